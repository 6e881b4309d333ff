/// Why a JSON value is not a valid JSON-RPC 2.0 message, with what is needed to answer it.
public struct RPCInvalidMessage: Error, Sendable, Hashable {
    /// The id to answer with: the message's own when it could be read, else `.null`.
    public var id: RPCRequestID
    /// The error to answer with (-32600).
    public var error: RPCError
    /// Whether the value looked like a response (no `method`, but a `result` or `error`): such a value is never
    /// answered, since a response to a response would only confuse the peer.
    public var isResponse: Bool

    /// Describes an invalid message.
    public init(id: RPCRequestID, error: RPCError, isResponse: Bool = false) {
        self.id = id
        self.error = error
        self.isResponse = isResponse
    }
}
