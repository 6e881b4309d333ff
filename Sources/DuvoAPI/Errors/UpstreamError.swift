/// What Duvo said when it refused a request: enough for a user to see what happened and what to do.
public struct UpstreamError: Sendable, Hashable {
    /// The operation, e.g. `start run`.
    public var operation: String
    /// `GET` or `POST`.
    public var method: String
    /// The path called, without the query, e.g. `/v2/runs/…`.
    public var path: String
    /// The HTTP status.
    public var httpStatus: Int
    /// Duvo's machine-readable `error` field, when the body had one.
    public var error: String?
    /// Duvo's human-readable `message` field, when the body had one.
    public var message: String?
    /// Seconds Duvo asked us to wait (`Retry-After`), when given.
    public var retryAfterSeconds: Double?
    /// The first bytes of a body that was not Duvo's JSON error shape (an HTML error page from a proxy, say).
    public var bodyPrefix: String?

    /// A description of a refused request.
    public init(operation: String, method: String, path: String, httpStatus: Int, error: String? = nil,
                message: String? = nil, retryAfterSeconds: Double? = nil, bodyPrefix: String? = nil) {
        self.operation = operation
        self.method = method
        self.path = path
        self.httpStatus = httpStatus
        self.error = error
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
        self.bodyPrefix = bodyPrefix
    }

    /// One line: `start run: Duvo answered 400 invalid_field: agent_id must be a UUID`.
    public var summary: String {
        var text = "\(operation): Duvo answered \(httpStatus)"
        if let error { text += " \(error)" }
        if let message { text += ": \(message)" } else if let bodyPrefix, !bodyPrefix.isEmpty { text += ": \(bodyPrefix)" }
        return text
    }
}
