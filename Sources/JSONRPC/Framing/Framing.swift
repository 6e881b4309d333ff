/// How JSON-RPC messages are delimited on a byte stream.
public enum Framing: String, Sendable, Hashable, CaseIterable {
    /// One JSON text per line (scripts, MCP). Lines end with LF; CRLF is accepted on input; blank lines are ignored.
    case newlineDelimited = "ndjson"
    /// LSP-style headers: `Content-Length: N\r\n\r\n` then N bytes of UTF-8 JSON (vscode-jsonrpc, Neovim, pygls).
    case contentLength = "content-length"

    /// Reads a framing from a `--framing` value: `ndjson`/`newline`/`jsonl` or `content-length`/`lsp`
    /// (case-insensitive); `nil` for anything else.
    public init?(name: String) {
        switch name.lowercased() {
        case "ndjson", "newline", "jsonl", "newline-delimited": self = .newlineDelimited
        case "content-length", "lsp", "header", "headers": self = .contentLength
        default: return nil
        }
    }

    /// Wraps one JSON payload (which must hold no raw newline, as ``RPCMessage/encoded()`` guarantees) in a frame.
    public func encode(_ payload: [UInt8]) -> [UInt8] {
        switch self {
        case .newlineDelimited:
            var frame = payload
            frame.append(0x0A)
            return frame
        case .contentLength:
            var frame = Array("Content-Length: \(payload.count)\r\n\r\n".utf8)
            frame.append(contentsOf: payload)
            return frame
        }
    }
}
