import JSONRPC

/// Sends MCP log messages (`notifications/message`, logger `duvo`) for notable events, at or above the level the
/// client asked for: with `logging/setLevel` in a 2025 session, in the request's `_meta` on 2026 (logging is
/// deprecated there and opt-in per request). Without either, nothing is sent.
struct SessionLog: Sendable {
    /// Where the least severe wanted level comes from.
    enum Threshold: Sendable {
        /// The session's `logging/setLevel` (it may change during a call).
        case session(MCPSession)
        /// The 2026 request's `io.modelcontextprotocol/logLevel`; nil sends nothing.
        case request(MCPLogLevel?)
    }

    let threshold: Threshold
    let connection: RPCConnection

    /// Sends `text` at `level` when the client wants that level.
    func send(_ level: MCPLogLevel, _ text: String) async {
        switch threshold {
        case .session(let session):
            guard await session.wantsLog(level) else { return }
        case .request(let wanted):
            guard let wanted, level >= wanted else { return }
        }
        await connection.notify("notifications/message",
                                params: ["level": .string(level.rawValue), "logger": "duvo", "data": .string(text)])
    }
}
