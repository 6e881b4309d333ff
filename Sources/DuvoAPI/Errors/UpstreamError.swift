/// What Duvo said when it refused a request: enough for a user to see what happened and what to do.
///
/// Every text in it that came from outside (Duvo's `error` and `message`, a body summary) is redacted where it is
/// read, in ``DuvoClient``, so no API key can reach a message, a log line or a client.
public struct UpstreamError: Sendable, Hashable {
    /// The operation, e.g. `start run`.
    package var operation: String
    /// `GET` or `POST`.
    package var method: String
    /// The path called, without the query, e.g. `/v2/runs/…`.
    package var path: String
    /// The HTTP status.
    package var httpStatus: Int
    /// Duvo's machine-readable `error` field, when the body had one.
    package var error: String?
    /// Duvo's human-readable `message` field, when the body had one.
    package var message: String?
    /// Seconds Duvo asked us to wait (`Retry-After`), when given.
    package var retryAfterSeconds: Double?
    /// A one-line description of a body that was not Duvo's JSON error shape, e.g. `an HTML page titled '502 Bad
    /// Gateway'` (from a proxy), never the raw bytes.
    package var bodySummary: String?
    /// Attempts made, the first included.
    package var attempts: Int

    /// A description of a refused request.
    package init(operation: String, method: String, path: String, httpStatus: Int, error: String? = nil,
                message: String? = nil, retryAfterSeconds: Double? = nil, bodySummary: String? = nil,
                attempts: Int = 1) {
        self.operation = operation
        self.method = method
        self.path = path
        self.httpStatus = httpStatus
        self.error = error
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
        self.bodySummary = bodySummary
        self.attempts = attempts
    }

    /// One line: `start run: Duvo answered 400 invalid_field: agent_id must be a UUID`.
    package var summary: String {
        var text = "\(operation): Duvo answered \(httpStatus)"
        if let error { text += " \(error)" }
        if let message { text += ": \(message)" } else if let bodySummary, !bodySummary.isEmpty { text += " with \(bodySummary)" }
        if attempts > 1 { text += " (\(attempts) attempts)" }
        return text
    }
}
