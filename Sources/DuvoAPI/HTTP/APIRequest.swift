import JSONCore

/// One call to the Duvo API, described independently of any HTTP library.
public struct APIRequest: Sendable {
    /// `GET` or `POST` (the runs API uses nothing else).
    public enum Method: String, Sendable { case get = "GET", post = "POST" }

    /// The HTTP method.
    public var method: Method
    /// The path from the API root, with version, e.g. `/v1/runs/123`.
    public var path: String
    /// Query parameters, in order.
    public var query: [(String, String)]
    /// The JSON body of a POST.
    public var body: JSONValue?
    /// Whether sending the request twice has the effect of sending it once, so it may be retried after it might
    /// have reached Duvo. False for anything that creates or changes something (start, post a message, respond).
    public var isIdempotent: Bool
    /// A short name of the operation for errors and logs, e.g. `get run`.
    public var operation: String

    /// A request; GETs are idempotent unless stated otherwise.
    public init(_ method: Method, _ path: String, query: [(String, String)] = [], body: JSONValue? = nil,
                isIdempotent: Bool? = nil, operation: String) {
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.isIdempotent = isIdempotent ?? (method == .get)
        self.operation = operation
    }
}
