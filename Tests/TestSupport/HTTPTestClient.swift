import Foundation
import JSONCore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What an HTTP call answered.
public struct HTTPTestResponse: Sendable {
    /// The status code.
    public let status: Int
    /// Header fields with lowercased names.
    public let headers: [String: String]
    /// The body parsed as JSON, or `.null` when it is empty or not JSON.
    public let json: JSONValue
    /// The body as text.
    public let text: String
}

/// A tiny URLSession client for tests that talk to a server over real HTTP.
public struct HTTPTestClient: Sendable {
    /// Headers sent with every request (e.g. `Authorization`).
    public var defaultHeaders: [String: String]
    private let session: URLSession

    /// A client sending `defaultHeaders` on every request.
    public init(defaultHeaders: [String: String] = [:]) {
        self.defaultHeaders = defaultHeaders
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 30
        self.session = URLSession(configuration: configuration)
    }

    /// A client that authenticates with `Authorization: Bearer <key>`.
    public static func bearer(_ key: String) -> HTTPTestClient {
        HTTPTestClient(defaultHeaders: ["Authorization": "Bearer \(key)"])
    }

    /// Sends one request; `body` is written as JSON with a JSON content type.
    public func send(_ method: String, _ url: String, headers: [String: String] = [:], body: JSONValue? = nil)
        async throws -> HTTPTestResponse
    {
        try await send(method, url, headers: headers, rawBody: body.map { Data(JSONWriter().bytes($0)) })
    }

    /// Sends one request with the body bytes as given (for malformed JSON).
    public func send(_ method: String, _ url: String, headers: [String: String] = [:], rawBody: Data?) async throws
        -> HTTPTestResponse
    {
        guard let target = URL(string: url) else { throw URLError(.badURL) }
        var request = URLRequest(url: target)
        request.httpMethod = method
        for (name, value) in defaultHeaders.merging(headers, uniquingKeysWith: { _, new in new }) {
            request.setValue(value, forHTTPHeaderField: name)
        }
        if let rawBody {
            request.httpBody = rawBody
            if request.value(forHTTPHeaderField: "Content-Type") == nil {
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            }
        }
        let (data, response) = try await session.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw URLError(.badServerResponse) }
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { fields[name.lowercased()] = value }
        }
        let json = (try? JSONParser().parse(data)) ?? .null
        return HTTPTestResponse(
            status: http.statusCode, headers: fields, json: json, text: String(decoding: data, as: UTF8.self))
    }
}
