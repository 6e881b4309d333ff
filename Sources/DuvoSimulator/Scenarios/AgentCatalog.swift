/// The agents a simulator serves: the built-ins plus any loaded with `--agents`.
public struct AgentCatalog: Sendable {
    /// Every agent in listing order (built-ins first).
    public let agents: [Scenario]
    private let byID: [String: Scenario]

    /// A catalog of the built-ins and `extra`.
    /// - Throws: ``ScenarioFileError`` when an extra agent reuses a built-in's (or another's) id or name.
    public init(extra: [Scenario] = [], source: String = "--agents") throws(ScenarioFileError) {
        var agents = BuiltInAgents.all
        for (index, agent) in extra.enumerated() {
            if let clash = agents.first(where: { $0.id == agent.id || $0.name == agent.name }) {
                let what = clash.id == agent.id ? "id \(agent.id)" : "name '\(agent.name)'"
                throw ScenarioFileError(
                    file: source, location: "[\(index)]",
                    reason: "\(what) is already used by agent '\(clash.name)'; pick another")
            }
            agents.append(agent)
        }
        self.agents = agents
        self.byID = Dictionary(agents.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The agent with `id` (any letter case), or nil.
    public func agent(id: String) -> Scenario? { byID[id.lowercased()] }
}
