/// One parsed HTTP/1.1 request: what a handler needs to answer it.
public struct HTTPRequest: Sendable, Hashable {
    /// The method as sent, e.g. `GET`.
    public var method: String
    /// The request target exactly as sent, e.g. `/v1/runs?limit=2`.
    public var target: String
    /// The path with each segment percent-decoded, without the query, e.g. `/v1/runs`.
    public var path: String
    /// The query's name/value pairs, percent-decoded (`+` read as a space), in order.
    public var queryItems: [HTTPQueryItem]
    /// The header fields.
    public var headers: HTTPHeaders
    /// The body bytes (already de-chunked); empty when there is none.
    public var body: [UInt8]
    /// The minor HTTP version: 1 for HTTP/1.1, 0 for HTTP/1.0.
    public var minorVersion: Int

    /// A request as the parser builds it; `path` and `queryItems` are derived from `target`.
    public init(method: String, target: String, headers: HTTPHeaders = [:], body: [UInt8] = [], minorVersion: Int = 1) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
        self.minorVersion = minorVersion
        let (path, query) = HTTPRequest.split(target: target)
        self.path = path
        self.queryItems = query
    }

    /// The decoded path split on `/`, without empty segments: `/v1/runs/` gives `["v1", "runs"]`.
    public var pathSegments: [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }

    /// The first value of the query parameter `name`, or nil when absent.
    public func query(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }

    /// Whether the client asked to keep the connection open after this request.
    ///
    /// HTTP/1.1 keeps it open unless `Connection: close`; HTTP/1.0 closes it unless `Connection: keep-alive`.
    public var wantsKeepAlive: Bool {
        let tokens = headers.values(for: "Connection").flatMap { $0.split(separator: ",") }
            .map { $0.trimmingSpaces().lowercased() }
        if minorVersion >= 1 { return !tokens.contains("close") }
        return tokens.contains("keep-alive")
    }

    private static func split(target: String) -> (String, [HTTPQueryItem]) {
        var rest = Substring(target)
        // Absolute-form targets (`http://host/path`) are allowed by RFC 9112; keep only the path.
        if rest.first != "/", let scheme = rest.firstRange(of: "://") {
            let afterAuthority = rest[scheme.upperBound...]
            rest = afterAuthority.firstIndex(of: "/").map { afterAuthority[$0...] } ?? "/"
        }
        let rawPath: Substring
        var items: [HTTPQueryItem] = []
        if let mark = rest.firstIndex(of: "?") {
            rawPath = rest[..<mark]
            let query = rest[rest.index(after: mark)...]
            for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = PercentDecoding.decode(parts[0], plusAsSpace: true)
                let value = parts.count > 1 ? PercentDecoding.decode(parts[1], plusAsSpace: true) : ""
                items.append(HTTPQueryItem(name: name, value: value))
            }
        } else {
            rawPath = rest
        }
        let segments = rawPath.split(separator: "/", omittingEmptySubsequences: false)
            .map { PercentDecoding.decode($0, plusAsSpace: false) }
        return (segments.joined(separator: "/"), items)
    }
}

/// One `name=value` pair of a query string.
public struct HTTPQueryItem: Sendable, Hashable {
    /// The decoded name.
    public var name: String
    /// The decoded value; empty for `?flag` and `?flag=`.
    public var value: String

    /// A query item.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

extension Substring {
    /// The text without leading and trailing spaces and tabs.
    func trimmingSpaces() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result = result.dropFirst() }
        while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
        return result
    }
}
