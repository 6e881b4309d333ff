import Diagnostics
import Foundation
import JSONCore

/// The one way into the Duvo API for every front door (JSON-RPC methods, follows, the CLI).
///
/// Each call goes through the process's ``RateBudget``, is retried when that is safe (see ``RetryPolicy``), and
/// either returns Duvo's JSON body whole (unknown fields included) or throws a ``DuvoAPIError`` a user can act on.
public final class DuvoClient: Sendable {
    /// What this client talks to and how.
    public let configuration: DuvoConfiguration
    /// The allowance shared by everything in the process (and, through ``coordination``, by other processes on
    /// the same key).
    public let budget: RateBudget
    /// How this process shares the key with others: the budget's store and the sweep coordinators.
    public let coordination: Coordination
    private let transport: any HTTPTransport
    private let logger: Logger

    /// A client over `transport`; by default the one ``TransportSelection`` picks for the base URL (no proxy, the
    /// system's CAs). Without `coordination` the process keeps its budget to itself.
    public init(configuration: DuvoConfiguration, transport: (any HTTPTransport)? = nil,
                logger: Logger = Logger(label: "duvo", level: .warning), coordination: Coordination = .off) {
        self.configuration = configuration
        self.transport = transport ?? Self.defaultTransport(for: configuration.baseURL)
        self.logger = logger
        self.coordination = coordination
        self.budget = RateBudget(limit: configuration.rateLimitPerMinute, store: coordination.budgetStore)
        if let key = configuration.apiKey { logger.redact(key.secret) }
    }

    /// The transport for a base URL: plain sockets for `http`, libcurl for `https`.
    public static func defaultTransport(for baseURL: URL) -> any HTTPTransport {
        TransportSelection.transport(for: baseURL)
    }

    /// Sends `request` and returns the JSON body of a 2xx answer.
    /// - Throws: ``DuvoAPIError``; never includes the API key.
    public func send(_ request: APIRequest, priority: RateBudget.Priority = .interactive)
        async throws(DuvoAPIError) -> JSONValue
    {
        try await answer(request, priority: priority).body
    }

    /// Sends `request` and returns the JSON body of a 2xx answer with the server's `Date`.
    /// - Throws: ``DuvoAPIError``; never includes the API key.
    public func answer(_ request: APIRequest, priority: RateBudget.Priority = .interactive)
        async throws(DuvoAPIError) -> APIAnswer
    {
        guard let key = configuration.apiKey else { throw DuvoAPIError.missingKey }
        let url = try makeURL(request)
        var headers = ["Authorization": "Bearer \(key.secret)", "Accept": "application/json",
                       "User-Agent": "duvo-bridge/0.1"]
        var body: [UInt8]?
        if let json = request.body {
            body = JSONWriter().bytes(json)
            headers["Content-Type"] = "application/json"
        }
        let policy = configuration.retry
        // Failures (5xx, transport) and rate-limit refusals are counted apart: riding out a 429 storm must not use up
        // the retries a later 5xx is owed.
        var failures = 0
        var rateLimited = 0
        var rateLimitedWait = 0.0
        while true {
            do {
                try await budget.acquire(priority)
            } catch {
                throw .cancelled
            }
            let response: APIResponse
            do {
                response = try await transport.send(method: request.method.rawValue, url: url, headers: headers,
                                                    body: body, timeout: configuration.requestTimeout)
            } catch {
                let failure = map(error, request: request)
                let retryable = !error.isFinal && (error.requestCertainlyNotSent || request.isIdempotent)
                failures += 1
                guard retryable, failures < policy.maxAttempts else { throw failure }
                logger.debug("\(request.operation): \(failure.message); retrying (attempt \(failures + 1))")
                try await pause(policy.delay(afterAttempt: failures, retryAfter: nil))
                continue
            }
            // Only a count that says nothing remains changes the budget: skip the hop to it otherwise.
            if let remaining = response.headers["x-ratelimit-remaining"].flatMap({ Int($0) }), remaining <= 0 {
                await budget.observe(remaining: remaining,
                                     resetSeconds: response.headers["x-ratelimit-reset"].flatMap { Double($0) })
            }
            if (200..<300).contains(response.status) {
                guard let json = response.json else {
                    throw .invalidResponse(operation: request.operation, detail: "the body is not JSON")
                }
                return APIAnswer(body: json, serverDate: response.serverDate)
            }
            let upstream = describe(response, request: request)
            if response.status == 429 {
                // A 429 means Duvo did not act on the request, so even a POST may be sent again.
                let wait = response.retryAfterSeconds ?? 1
                await budget.penalize(retryAfter: wait)
                rateLimited += 1
                rateLimitedWait += wait
                guard rateLimitedWait <= 60, rateLimited < policy.maxAttempts * 3 else { throw .rateLimited(upstream) }
                logger.debug("\(request.operation): rate limited; waiting \(wait) s")
                continue
            }
            if RetryPolicy.isRetryable(status: response.status), request.isIdempotent {
                failures += 1
                if failures < policy.maxAttempts {
                    logger.debug("\(request.operation): Duvo answered \(response.status); retrying")
                    try await pause(policy.delay(afterAttempt: failures, retryAfter: response.retryAfterSeconds))
                    continue
                }
            }
            throw Self.classify(status: response.status, upstream)
        }
    }

    private func pause(_ seconds: Double) async throws(DuvoAPIError) {
        do {
            try await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1e9))
        } catch {
            throw .cancelled
        }
    }

    private func makeURL(_ request: APIRequest) throws(DuvoAPIError) -> URL {
        var text = configuration.baseURL.absoluteString + request.path
        if !request.query.isEmpty {
            text += "?" + request.query.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        }
        guard let url = URL(string: text) else {
            throw .notConfigured("cannot build a URL from DUVO_BASE_URL and \(request.path)")
        }
        return url
    }

    /// Percent-encodes one path segment or query component (slashes included, so ids cannot escape their segment):
    /// every UTF-8 byte outside RFC 3986's unreserved set becomes `%XX`.
    // Bytes, not Foundation's `addingPercentEncoding`, which went through CFString and cost 3% of a `runs/get`.
    public static func encode(_ component: String) -> String {
        guard !component.utf8.allSatisfy(isUnreserved) else { return component }
        let hex = Array("0123456789ABCDEF".utf8)
        var encoded: [UInt8] = []
        encoded.reserveCapacity(component.utf8.count * 3)
        for byte in component.utf8 {
            if isUnreserved(byte) {
                encoded.append(byte)
            } else {
                encoded += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: encoded, as: UTF8.self)
    }

    /// Whether `byte` is an ASCII letter, digit, `-`, `.`, `_` or `~`.
    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
             UInt8(ascii: "~"):
            true
        default: false
        }
    }

    private func map(_ error: TransportError, request: APIRequest) -> DuvoAPIError {
        switch error {
        case .cancelled: .cancelled
        case .timedOut: .timeout(operation: request.operation, seconds: configuration.requestTimeout)
        case .connectFailed(let detail), .connectionLost(let detail):
            .network(operation: request.operation, detail: detail)
        case .certificateRejected(let detail):
            .notConfigured("\(request.operation): the TLS certificate of \(configuration.baseURL.host ?? "the server") "
                + "was rejected (\(detail)); if it is signed by a private CA, \(TLSConfiguration.advice).")
        case .proxyRejected(let detail):
            .notConfigured("\(request.operation): the proxy refused the request (\(detail)); check the user and "
                + "password in HTTPS_PROXY / HTTP_PROXY / ALL_PROXY, or exempt the host with NO_PROXY.")
        }
    }

    private func describe(_ response: APIResponse, request: APIRequest) -> UpstreamError {
        let json = response.json
        var prefix: String?
        if json?["error"] == nil {
            prefix = String(decoding: response.body.prefix(200), as: UTF8.self)
        }
        return UpstreamError(operation: request.operation, method: request.method.rawValue, path: request.path,
                             httpStatus: response.status, error: json?["error"]?.stringValue,
                             message: json?["message"]?.stringValue, retryAfterSeconds: response.retryAfterSeconds,
                             bodyPrefix: prefix)
    }

    private static func classify(status: Int, _ upstream: UpstreamError) -> DuvoAPIError {
        switch status {
        case 400, 409, 422: .rejected(upstream)
        case 401: .unauthorized(upstream)
        case 403: .forbidden(upstream)
        case 404: .notFound(upstream)
        case 429: .rateLimited(upstream)
        case 500...599: .unavailable(upstream)
        default: .unexpectedStatus(upstream)
        }
    }
}
