import Foundation
import JSONCore

/// The simulator's built-in agents, looked up as a user would: `duvo sim agents --json`.
public enum SimAgents {
    private static let catalog = Locked<[String: String]?>(nil)

    /// The id of the built-in agent called `name` (echo, approval, questions, flaky, failing, slow, chatty, interrupted).
    public static func id(_ name: String) throws -> String {
        if let cached = catalog.withLock({ $0 }) {
            guard let id = cached[name] else { throw Missing(name: name) }
            return id
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: DuvoBinary.path)
        process.arguments = ["sim", "agents", "--json"]
        let output = try ChildPipe(.fromChild)
        process.standardOutput = output.childEnd
        try ChildProcesses.run(process)
        output.closeChildEnd()
        let data = output.parentEnd.readDataToEndOfFile()
        process.waitUntilExit()
        let list = try JSONParser().parse(data)
        var map: [String: String] = [:]
        for agent in list.arrayValue ?? [] {
            if let agentName = agent["name"]?.stringValue, let id = agent["id"]?.stringValue { map[agentName] = id }
        }
        catalog.withLock { $0 = map }
        guard let id = map[name] else { throw Missing(name: name) }
        return id
    }

    /// No built-in agent has that name.
    public struct Missing: Error, CustomStringConvertible {
        public let name: String
        public var description: String { "the simulator has no agent named '\(name)'" }
    }
}
