import ArgumentKit
import DuvoSimulator

/// `--agent` under `--simulate`: an agent's id, or the name of one of the simulator's built-in agents.
enum SimulatedAgent {
    /// The id `--agent` stands for: an id as given (the simulator judges unknown ones, as Duvo would), or the id
    /// of the built-in agent with that name (any case).
    /// - Throws: ``UsageError`` listing the built-in names when `value` is neither an id-like value nor a name.
    static func id(for value: String, commandPath: String) throws(UsageError) -> String {
        let agents: [Scenario]
        do {
            agents = try AgentCatalog().agents
        } catch {
            return value
        }
        if agents.contains(where: { $0.id.lowercased() == value.lowercased() }) { return value }
        if let named = agents.first(where: { $0.name.lowercased() == value.lowercased() }) { return named.id }
        if looksLikeUUID(value) { return value }
        throw UsageError("no built-in agent named '\(value)'; the simulator's agents are "
            + agents.map(\.name).joined(separator: ", ") + " (or give an agent id)", commandPath: commandPath)
    }

    /// Whether `text` is written like a UUID (8-4-4-4-12 hex digits).
    private static func looksLikeUUID(_ text: String) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        return groups.map(\.count) == [8, 4, 4, 4, 12] && groups.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }
}
