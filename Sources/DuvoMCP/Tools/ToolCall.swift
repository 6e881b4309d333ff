import DuvoBridge
import JSONCore
import JSONRPC

/// Runs `tools/call`: finds the tool, checks its arguments, runs it, and shapes the answer as MCP wants it.
///
/// Bad arguments and Duvo's errors come back as results with `isError: true` and a text saying what to do, so the
/// model can correct itself; only an unknown tool name is a protocol error (-32602), as the specification's example
/// has it. A cancelled call throws, and the connection answers -32800.
struct ToolCall: Sendable {
    let bridge: Bridge
    let session: MCPSession
    let catalog: ToolCatalog
    let options: MCPOptions

    /// The `tools/call` result for `params`.
    /// - Throws: ``RPCError`` -32602 for a tool this server does not offer; cancellation as is.
    func call(_ params: CallTool.Params, context: RPCRequestContext) async throws -> JSONValue {
        guard let tool = catalog.tool(named: params.name) else {
            let offered = catalog.enabled.map(\.name).joined(separator: ", ")
            throw RPCError.invalidParams("Unknown tool '\(params.name.prefix(80))'; this server offers: \(offered)",
                                         field: "name")
        }
        let environment = ToolEnvironment(bridge: bridge, session: session, options: options, context: context)
        let result: ToolResult
        do {
            let arguments = try ToolArguments.object(params.arguments, for: tool)
            result = try await run(tool, arguments: arguments, progressToken: params.progressToken, in: environment)
        } catch let error as RPCError where error.code != .requestCancelled && !Task.isCancelled {
            await environment.log.send(.warning, "\(tool.name) failed: \(error.message)")
            result = .failure(error, tool: tool)
        }
        return result.json(structuredContent: await session.supportsStructuredContent)
    }

    private func run(_ tool: ToolDefinition, arguments: [String: JSONValue], progressToken: JSONValue?,
                     in environment: ToolEnvironment) async throws -> ToolResult
    {
        switch tool.adaptation.runner {
        case .method:
            let value = try await environment.invoke(tool.method, .object(arguments))
            return .success(value, summary: ToolSummary.text(method: tool.method, arguments: arguments, result: value))
        case .wait:
            return try await RunWaitTool(environment: environment).run(arguments, progressToken: progressToken)
        case .messages:
            return try await MessageListTool(environment: environment).run(arguments)
        }
    }
}
