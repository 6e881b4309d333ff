import ArgumentKit
import DuvoBridge
import Foundation

extension MCPServer {
    /// The options of `duvo rpc` that choose the MCP tools, each with an environment twin for clients that can only
    /// set variables.
    package static let options: [Option] = [
        .flag("read-only", help: "MCP: offer only tools that change nothing (reads and waits).",
              environment: "DUVO_MCP_READ_ONLY"),
        .value("tools", valueName: "a,b", help: "MCP: offer only these tools (comma-separated names).",
               environment: "DUVO_MCP_TOOLS"),
        .value("exclude-tools", valueName: "a,b", help: "MCP: do not offer these tools (comma-separated names).",
               environment: "DUVO_MCP_EXCLUDE_TOOLS"),
    ]

    /// The MCP options a command line asked for.
    /// - Throws: ``UsageError`` naming an unknown tool and listing the valid names.
    package static func options(from parsed: ParsedCommand) throws(UsageError) -> MCPOptions {
        let include = try toolNames(parsed.value("tools"), option: "tools", commandPath: parsed.commandPath)
        let exclude = try toolNames(parsed.value("exclude-tools"), option: "exclude-tools",
                                    commandPath: parsed.commandPath)
        return MCPOptions(readOnly: parsed.flag("read-only"), include: include, exclude: exclude ?? [])
    }

    /// Splits a comma-separated list of tool names, checking each against the method table.
    private static func toolNames(_ text: String?, option: String, commandPath: String) throws(UsageError)
        -> [String]?
    {
        guard let text else { return nil }
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let valid = MethodTable.tools.map(\.name)
        if let unknown = names.first(where: { !valid.contains($0) }) {
            throw UsageError("option '--\(option)': unknown tool '\(unknown)'; valid tools: "
                + valid.joined(separator: ", "), commandPath: commandPath)
        }
        return names
    }
}
