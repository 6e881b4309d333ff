import DuvoBridge
import JSONRPC

/// MCP on the JSON-RPC server of `duvo rpc`: an `initialize` request makes the connection an MCP session, with the
/// bridge's methods offered as tools.
///
/// Nothing here needs a flag: the MCP methods (`initialize`, `ping`, `tools/list`, `tools/call`, `logging/setLevel`
/// and `notifications/initialized`) sit in the same router as the JSON-RPC methods, and any other unknown request is
/// answered -32601 at once by the router.
public enum MCPServer {
    /// Adds the MCP methods to `router`, with tools that run through `bridge`.
    ///
    /// - Important: Call it once per connection: the session state (negotiated revision, client capabilities, log
    ///   level) lives in an actor created here.
    public static func register(into router: inout RPCRouter, bridge: Bridge, options: MCPOptions) {
        let session = MCPSession()
        let catalog = ToolCatalog(options: options)
        let runner = ToolCall(bridge: bridge, session: session, catalog: catalog, options: options)
        router.register(Initialize.self) { params, _ in
            await Initialize.handle(params, session: session, options: options, catalog: catalog)
        }
        router.register(Ping.self) { _, _ in [:] }
        router.register(ListTools.self) { params, _ in
            try await ListTools.handle(params, catalog: catalog, session: session)
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
    }
}
