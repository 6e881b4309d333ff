import DuvoBridge
import JSONCore
import JSONRPC

/// What a tool's run needs: the bridge, the session and options, the way back to the client, and its log.
struct ToolEnvironment: Sendable {
    let bridge: Bridge
    let session: MCPSession
    let options: MCPOptions
    /// The `tools/call` request being served (its connection reaches the client).
    let context: RPCRequestContext
    /// MCP log messages to the client.
    var log: SessionLog { SessionLog(session: session, connection: context.connection) }

    /// Runs the bridge method `method` with `params`, as `duvo rpc` would for a JSON-RPC client.
    /// - Throws: ``RPCError`` for params that do not fit and Duvo's errors; cancellation as is.
    func invoke(_ method: String, _ params: JSONValue) async throws -> JSONValue {
        try await MethodTable.invoke(method, params: params, bridge: bridge, context: context)
    }
}
