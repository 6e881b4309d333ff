import DuvoAPI
import DuvoBridge
import JSONCore
import JSONRPC
import RunWatching

/// What a tool's run needs: the bridge, the client it serves and options, the way back to the client, and its log.
struct ToolEnvironment: Sendable {
    let bridge: Bridge
    let session: MCPSession
    let options: MCPOptions
    /// The `tools/call` request being served (its connection reaches the client).
    let context: RPCRequestContext
    /// The 2026 request's own declarations; nil in a 2025 session, whose `initialize` declared them.
    let modern: ModernRequest?

    /// MCP log messages to the client.
    var log: SessionLog {
        SessionLog(threshold: modern.map { .request($0.logLevel) } ?? .session(session), connection: context.connection)
    }

    /// The revision the answer is shaped for.
    func revision() async -> String {
        if let modern { return modern.revision }
        return await session.effectiveRevision
    }

    /// What the client can do, as this request (2026) or the session (2025) declared it.
    func capabilities() async -> ClientCapabilities {
        if let modern { return modern.capabilities }
        return await session.capabilities
    }

    /// Runs run operations, their failure in the form a JSON-RPC client would get it (which a tool's answer
    /// explains).
    /// - Throws: ``RPCError`` for parameters that do not fit and Duvo's errors.
    func run<T: Sendable>(_ body: (RunOperations) async throws(RunOperationError) -> T) async throws(RPCError) -> T {
        do {
            return try await body(bridge.operations)
        } catch {
            throw RPCError(BridgeFailure(error))
        }
    }
}
