import JSONCore

extension RPCError {
    /// -32700: the bytes are not JSON; `detail` says where the parser gave up.
    public static func parseError(_ detail: String) -> RPCError {
        RPCError(code: .parseError, message: "Parse error: \(detail)")
    }

    /// -32600: the JSON is not a valid request; `detail` says which member is wrong.
    public static func invalidRequest(_ detail: String) -> RPCError {
        RPCError(code: .invalidRequest, message: "Invalid Request: \(detail)")
    }

    /// -32601: no method named `method`; the message names it (its first 80 characters) so a user can spot a typo.
    public static func methodNotFound(_ method: String) -> RPCError {
        RPCError(code: .methodNotFound, message: "Method not found: '\(method.prefix(80))'")
    }

    /// -32602: the params do not fit; `field` (a dotted path such as `answers.0`) goes into `data.field`.
    public static func invalidParams(_ message: String, field: String? = nil) -> RPCError {
        RPCError(code: .invalidParams, message: message, data: field.map { ["field": .string($0)] })
    }

    /// -32603: something failed inside the server; `message` must not carry secrets or raw upstream text.
    public static func internalError(_ message: String = "Internal error") -> RPCError {
        RPCError(code: .internalError, message: message)
    }

    /// -32800: the request was cancelled by the client or by the server's shutdown.
    public static var cancelled: RPCError {
        RPCError(code: .requestCancelled, message: "Request cancelled")
    }

    /// -32603 raised by ``RPCConnection/sendRequest(_:params:timeout:withdrawal:)`` when the connection ends before the client answers.
    public static var connectionClosed: RPCError {
        RPCError(code: .internalError, message: "The connection closed before the client answered")
    }

    /// -32602 for params that failed to decode into a method's typed `Params`, naming the field's path.
    public init(decoding error: DecodingError) {
        let path = error.fieldPath
        self = .invalidParams("Invalid params: \(error.plainDescription)", field: path.isEmpty ? nil : path)
    }
}
