/// The `code` of a JSON-RPC error: an open set, so that layers above can add their own codes as extensions.
///
/// This library defines only the codes of JSON-RPC 2.0 itself and the one LSP code it produces (-32800). The range
/// -32768...-32000 is reserved by JSON-RPC (and MCP uses -32020...-32099), so the Duvo bridge's own codes live in
/// -31000...-31011; do not define LSP's -32001 or -32002 here.
public struct RPCErrorCode: RawRepresentable, Codable, Hashable, Sendable {
    /// The integer sent on the wire.
    public let rawValue: Int

    /// A code from its integer value.
    public init(rawValue: Int) {
        self.rawValue = rawValue
    }

    /// A code from its integer value.
    public init(_ rawValue: Int) {
        self.rawValue = rawValue
    }

    /// Reads a code from a bare JSON integer.
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(Int.self)
    }

    /// Writes the code as a bare JSON integer.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

// MARK: JSON-RPC 2.0

extension RPCErrorCode {
    /// -32700: the frame is not JSON (or could not be framed). Answered with `"id": null`.
    public static let parseError = RPCErrorCode(-32700)
    /// -32600: JSON, but not a valid request object (or an empty batch, or an oversized frame).
    public static let invalidRequest = RPCErrorCode(-32600)
    /// -32601: no handler for the method.
    public static let methodNotFound = RPCErrorCode(-32601)
    /// -32602: the params do not fit the method; `data.field` names the offending field when known.
    public static let invalidParams = RPCErrorCode(-32602)
    /// -32603: the handler failed in a way it did not describe.
    public static let internalError = RPCErrorCode(-32603)
}

// MARK: LSP

extension RPCErrorCode {
    /// -32800: the client cancelled the request (LSP's `RequestCancelled`), or the server shut down before it finished.
    public static let requestCancelled = RPCErrorCode(-32800)
}

extension RPCErrorCode: CustomStringConvertible {
    /// The integer, e.g. `-32601`.
    public var description: String { String(rawValue) }
}
