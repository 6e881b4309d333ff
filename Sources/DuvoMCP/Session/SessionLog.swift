import JSONRPC

/// Sends MCP log messages (`notifications/message`, logger `duvo`) for notable events, at or above the level the
/// client chose with `logging/setLevel`; without that request nothing is sent.
struct SessionLog: Sendable {
    let session: MCPSession
    let connection: RPCConnection

    /// Sends `text` at `level` when the client wants that level.
    func send(_ level: MCPLogLevel, _ text: String) async {
        guard await session.wantsLog(level) else { return }
        await connection.notify("notifications/message",
                                params: ["level": .string(level.rawValue), "logger": "duvo", "data": .string(text)])
    }
}
