import DuvoBridge
import JSONCore
import JSONRPC

/// MCP on the JSON-RPC server of `duvo rpc`, in both eras at once: an `initialize` request makes the connection a
/// 2025 MCP session, and any request whose `_meta` names revision 2026-07-28 is served statelessly on its own.
///
/// Nothing here needs a flag: the MCP methods sit in the same router as the JSON-RPC methods, and any other unknown
/// request is answered -32601 at once by the router.
package enum MCPServer {
    /// Adds the MCP methods to `router`, with tools that run through `bridge`.
    ///
    /// - Important: Call it once per connection: the 2025 session state (negotiated revision, client capabilities,
    ///   log level) lives in an actor created here. 2026 requests use none of it.
    package static func register(into router: inout RPCRouter, bridge: Bridge, options: MCPOptions) {
        let session = MCPSession()
        let catalog = ToolCatalog(options: options)
        let tasks = TaskBoard(bridge: bridge, catalog: catalog)
        let runner = ToolCall(bridge: bridge, session: session, catalog: catalog, options: options, tasks: tasks)
        let listener = TaskListener(board: tasks, operations: bridge.operations, serverVersion: options.serverVersion)
        let version = options.serverVersion
        router.register(Initialize.self) { params, _ in
            await Initialize.handle(params, session: session, options: options, catalog: catalog)
        }
        router.register(Discover.self) { params, _ in
            try Discover.handle(params, options: options, catalog: catalog)
        }
        router.register(Ping.self) { params, _ in
            guard try ModernRequest.read(meta: params["_meta"]) != nil else { return [:] }
            return ModernResult.complete([:], serverVersion: version)
        }
        router.register(ListTools.self) { params, _ in
            try await ListTools.handle(params, catalog: catalog, session: session, serverVersion: version)
        }
        router.register(CallTool.self) { params, context in
            try await runner.call(params, context: context)
        }
        router.register(SetLogLevel.self) { params, _ in
            try await SetLogLevel.handle(params, session: session)
        }
        router.onNotification(name: InitializedNotification.name) { _, _ in
            await session.markInitialized()
        }
        registerTasks(into: &router, board: tasks, listener: listener, version: version)
    }

    /// The Tasks extension's methods and the `subscriptions/listen` stream that carries its notifications.
    private static func registerTasks(into router: inout RPCRouter, board: TaskBoard, listener: TaskListener,
                                      version: String) {
        router.register(GetTask.self) { params, context in
            let modern = try params.modern(method: GetTask.name)
            let task = try await board.task(params.taskId, capabilities: modern.capabilities, context: context)
            return ModernResult.complete(task.detailed, serverVersion: version)
        }
        router.register(UpdateTask.self) { params, context in
            _ = try params.modern(method: UpdateTask.name)
            try await board.update(params.taskId, responses: params.inputResponses ?? [:], context: context)
            return ModernResult.complete([:], serverVersion: version)
        }
        router.register(CancelTask.self) { params, context in
            _ = try params.modern(method: CancelTask.name)
            try await board.cancel(params.taskId, context: context)
            return ModernResult.complete([:], serverVersion: version)
        }
        router.register(ListenSubscriptions.self) { params, context in
            try await listener.listen(params, context: context)
        }
        router.answeredWhenCancelled.insert(ListenSubscriptions.name)
    }
}
