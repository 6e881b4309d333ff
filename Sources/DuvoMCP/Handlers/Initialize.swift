import JSONCore
import JSONRPC

/// `initialize`: starts the MCP session, agreeing on a revision and announcing the tools and logging capabilities.
enum Initialize: RPCMethod {
    static let name = "initialize"

    struct Params: Decodable, Sendable {
        let protocolVersion: String?
        let capabilities: JSONValue?
        let clientInfo: JSONValue?
    }

    typealias Result = JSONValue

    /// What a model is told once, up front, about using the tools together: each sentence with the tools it names,
    /// so that a server offering fewer tools (`--read-only`, `--tools`, `--exclude-tools`) never mentions the others.
    static let instructionSentences: [(tools: [String], text: String)] = [
        ([], "These tools drive Duvo agent runs."),
        (["duvo_start_run"], "Start one with duvo_start_run (agent_id, optional message)."),
        (["duvo_wait_for_run"], "Call duvo_wait_for_run with a run_id again and again until finished is true: each "
            + "call blocks at most 45 s and its next field says what to do."),
        (["duvo_respond_to_human_request"], "When a run needs a person (pending_human_request), the user may be "
            + "asked directly; otherwise ask the user and answer with duvo_respond_to_human_request, then wait again."),
        (["duvo_list_messages"], "Read a run's output with duvo_list_messages (tail: 5 for the latest; pass "
            + "next_cursor as cursor to continue)."),
        (["duvo_send_message"], "duvo_send_message continues a conversation."),
        (["duvo_stop_run"], "duvo_stop_run ends a run."),
        (["duvo_list_runs"], "duvo_list_runs lists runs."),
        (["duvo_run_stats"], "duvo_run_stats gives counts and durations."),
        (["duvo_get_run", "duvo_wait_for_run"], "Do not poll duvo_get_run in a loop."),
    ]

    /// The instructions for a server offering `tools`.
    static func instructions(offering tools: Set<String>) -> String {
        instructionSentences.filter { $0.tools.allSatisfy(tools.contains) }.map(\.text).joined(separator: " ")
    }

    static func handle(_ params: Params, session: MCPSession, options: MCPOptions, catalog: ToolCatalog) async
        -> JSONValue
    {
        let revision = await session.begin(requestedRevision: params.protocolVersion,
                                           capabilities: params.capabilities, clientInfo: params.clientInfo)
        return [
            "protocolVersion": .string(revision),
            "capabilities": ["tools": ["listChanged": false], "logging": [:]],
            "serverInfo": ModernResult.serverInfo(version: options.serverVersion),
            "instructions": .string(instructions(offering: Set(catalog.enabled.map(\.name)))),
        ]
    }
}
