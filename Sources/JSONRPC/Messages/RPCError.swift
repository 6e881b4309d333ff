import JSONCore

/// A JSON-RPC error object: what a handler throws to answer with a specific error, and what a client's error
/// response to a server->client request turns into.
///
/// Handlers should throw this type, with a message that tells the user what to do; any other error a handler throws
/// is answered with a generic -32603 so that its text (which may hold secrets) never reaches the client.
public struct RPCError: Error, Sendable, Hashable {
    /// The error's code.
    public var code: RPCErrorCode
    /// A short sentence a person can act on.
    public var message: String
    /// Structured detail (JSON-RPC's `data` member), or `nil` to leave the member out.
    public var data: JSONValue?

    /// An error with the given code, message and optional data.
    public init(code: RPCErrorCode, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    /// The error object as JSON: `{"code", "message", "data"?}`.
    public var json: JSONValue {
        var members: [String: JSONValue] = ["code": .int(code.rawValue), "message": .string(message)]
        if let data { members["data"] = data }
        return .object(members)
    }

    /// Reads an error object from a client's error response, or `nil` when `code` is not an integer.
    ///
    /// A missing or non-string `message` is read as empty rather than rejected: the code is what callers act on.
    public init?(json: JSONValue) {
        guard let code = json["code"]?.intValue else { return nil }
        self.init(code: RPCErrorCode(code), message: json["message"]?.stringValue ?? "", data: json["data"])
    }
}

extension RPCError: CustomStringConvertible {
    /// `message (code)`, for logs and test failures.
    public var description: String { "\(message) (\(code.rawValue))" }
}
