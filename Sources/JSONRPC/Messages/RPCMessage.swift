import JSONCore

/// One JSON-RPC 2.0 message, classified: a request, a notification, or a response (result or error).
///
/// Read one from JSON with ``init(json:)``, which looks at the object's keys once; write one with ``encoded()``.
public enum RPCMessage: Sendable, Hashable {
    /// A call that expects exactly one answer carrying the same id.
    case request(id: RPCRequestID, method: String, params: JSONValue?)
    /// A call that is never answered.
    case notification(method: String, params: JSONValue?)
    /// A successful answer.
    case response(id: RPCRequestID, result: JSONValue)
    /// A failed answer; `id` is `.null` when the request's id could not be read.
    case errorResponse(id: RPCRequestID, error: RPCError)

    /// The method of a request or notification.
    public var method: String? {
        switch self {
        case .request(_, let method, _), .notification(let method, _): method
        case .response, .errorResponse: nil
        }
    }

    /// The id of a request or response.
    public var id: RPCRequestID? {
        switch self {
        case .request(let id, _, _), .response(let id, _), .errorResponse(let id, _): id
        case .notification: nil
        }
    }
}
