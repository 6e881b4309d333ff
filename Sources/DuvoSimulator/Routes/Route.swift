import HTTPServer

/// One endpoint: a method, a path pattern such as `/v1/runs/{run_id}`, and the code that answers it.
struct Route: Sendable {
    enum Segment: Sendable, Hashable {
        case literal(String)
        case parameter(String)
    }

    typealias Handler = @Sendable (RequestContext) throws(APIError) -> HTTPResponse

    let method: String
    let pattern: [Segment]
    let handler: Handler

    /// A route for `method` on `path`, where `{name}` segments capture parameters.
    init(_ method: String, _ path: String, _ handler: @escaping Handler) {
        self.method = method
        self.pattern = path.split(separator: "/").map { part in
            part.hasPrefix("{") && part.hasSuffix("}")
                ? .parameter(String(part.dropFirst().dropLast())) : .literal(String(part))
        }
        self.handler = handler
    }

    /// The captured parameters when `segments` fit the pattern, else nil.
    func match(_ segments: [String]) -> [String: String]? {
        guard segments.count == pattern.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, part) in zip(segments, pattern) {
            switch part {
            case .literal(let text): guard segment == text else { return nil }
            case .parameter(let name): parameters[name] = segment
            }
        }
        return parameters
    }
}

/// What a route handler gets: the request, who is calling, and the path parameters.
struct RequestContext: Sendable {
    let request: HTTPRequest
    /// The caller's teams, in the order configured (the first is the default for v1 run creation).
    let teams: [String]
    let parameters: [String: String]

    /// The path parameter `name` (always present for a matched route).
    func parameter(_ name: String) -> String { parameters[name] ?? "" }

    /// The query string, typed.
    var query: QueryParameters { QueryParameters(request: request) }
}

/// Picks the route for a request: 404 for unknown paths, 405 with `Allow` for a known path and another method. `HEAD`
/// is answered as `GET`, as hosted HTTP APIs answer it (the server leaves the body out and keeps its length).
struct Router: Sendable {
    let routes: [Route]

    func handle(_ request: HTTPRequest, teams: [String]) throws(APIError) -> HTTPResponse {
        let segments = request.pathSegments
        var allowed: [String] = []
        for route in routes {
            guard let parameters = route.match(segments) else { continue }
            guard route.method == request.method || (request.method == "HEAD" && route.method == "GET") else {
                allowed.append(route.method)
                continue
            }
            return try route.handler(RequestContext(request: request, teams: teams, parameters: parameters))
        }
        guard allowed.isEmpty else {
            var error = APIError(
                status: 405, code: "method_not_allowed",
                message:
                    "\(request.method) is not supported on \(request.path); use \(allowed.joined(separator: " or ")).")
            error.headers.set("Allow", allowed.joined(separator: ", "))
            throw error
        }
        throw .notFound("No endpoint at \(request.method) \(request.path); paths start with /v1/runs or /v2/.")
    }
}
