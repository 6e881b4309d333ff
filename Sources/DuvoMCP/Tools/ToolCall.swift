import DuvoAPI
import DuvoBridge
import JSONCore
import JSONRPC

/// Runs `tools/call`: finds the tool, checks its arguments, runs it, and shapes the answer as MCP wants it.
///
/// Bad arguments and Duvo's errors come back as results with `isError: true` and a text saying what to do, so the
/// model can correct itself; an unknown tool name is a protocol error (-32602), as the specification's example has
/// it, and so are a 2026 request's bad `_meta` and a `requestState` this server did not issue for the call. A
/// cancelled call throws; after `notifications/cancelled` the connection writes nothing for it.
struct ToolCall: Sendable {
    let bridge: Bridge
    let session: MCPSession
    let catalog: ToolCatalog
    let options: MCPOptions
    let tasks: TaskBoard

    /// The `tools/call` result for `params`.
    /// - Throws: ``RPCError`` -32602 for a tool this server does not offer or a refused `requestState`, the errors of
    ///   ``ModernRequest/read(meta:)``; cancellation as is.
    func call(_ params: CallTool.Params, context: RPCRequestContext) async throws -> JSONValue {
        let modern = try ModernRequest.read(meta: params.meta)
        guard let tool = catalog.tool(named: params.name) else {
            let offered = catalog.enabled.map(\.name).joined(separator: ", ")
            throw RPCError.invalidParams("Unknown tool '\(params.name.prefix(80))'; this server offers: \(offered)",
                                         field: "name")
        }
        let environment = ToolEnvironment(bridge: bridge, session: session, options: options, context: context,
                                          modern: modern)
        let answer: ToolAnswer
        do {
            let arguments = try ToolArguments.object(params.arguments, for: tool)
            var round: InputRound?
            if modern != nil {
                round = try InputRound(params, tool: tool.name, arguments: arguments,
                                       serverVersion: options.serverVersion)
            }
            answer = try await run(tool, arguments: arguments, progressToken: params.progressToken, round: round,
                                   in: environment)
        } catch let refused as InputRound.Refused {
            throw refused.error
        } catch let error as RPCError where error.code != .requestCancelled && !Task.isCancelled {
            await environment.log.send(.warning, "\(tool.name) failed: \(error.message)")
            answer = .result(.failure(error, tool: tool))
        }
        switch answer {
        case .result(let result):
            guard modern != nil else {
                return result.json(structuredContent: await session.supportsStructuredContent)
            }
            return ModernResult.complete(result.json(structuredContent: true), serverVersion: options.serverVersion)
        case .inputRequired(let raw), .task(let raw):
            return raw
        }
    }

    private func run(_ tool: ToolDefinition, arguments: [String: JSONValue], progressToken: JSONValue?,
                     round: InputRound?, in environment: ToolEnvironment) async throws -> ToolAnswer
    {
        switch tool.adaptation.runner {
        case .method:
            let result = try await tool.runMethod(.object(arguments), bridge, environment.context)
            if case .started(let started, _) = result, let modern = environment.modern, modern.capabilities.tasks {
                return .task(await tasks.created(started.run, serverVersion: options.serverVersion))
            }
            let summary = ToolSummary.text(result, runID: arguments["run_id"]?.stringValue)
            return .result(.success(result.json, summary: summary))
        case .wait:
            return try await RunWaitTool(environment: environment, round: round)
                .run(arguments, progressToken: progressToken)
        case .messages:
            return .result(try await MessageListTool(environment: environment).run(arguments))
        }
    }
}
