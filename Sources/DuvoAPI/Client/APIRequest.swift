import JSONCore

/// One call to the Duvo API, described independently of any HTTP library.
package struct APIRequest: Sendable {
    /// `GET` or `POST` (the runs API uses nothing else).
    package enum Method: String, Sendable { case get = "GET", post = "POST" }

    /// The HTTP method.
    package var method: Method
    /// The path from the API root, with version, e.g. `/v1/runs/123`.
    package var path: String
    /// Query parameters, in order.
    package var query: [(String, String)]
    /// The JSON body of a POST.
    package var body: JSONValue?
    /// Whether sending the request twice has the effect of sending it once, so it may be retried after it might
    /// have reached Duvo. False for anything that creates or changes something (start, post a message, respond).
    package var isIdempotent: Bool
    /// A short name of the operation for errors and logs, e.g. `get run`.
    package var operation: String

    /// A request; GETs are idempotent unless stated otherwise.
    package init(_ method: Method, _ path: String, query: [(String, String)] = [], body: JSONValue? = nil,
                isIdempotent: Bool? = nil, operation: String) {
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.isIdempotent = isIdempotent ?? (method == .get)
        self.operation = operation
    }
}
