import Diagnostics
import DuvoHTTP
import Foundation
import JSONCore
import KeyCoordination
import Time

/// The one way into the Duvo API for every front door (JSON-RPC methods, follows, the CLI).
///
/// Each call goes through the process's ``RateBudget``, is retried when that is safe (see ``RetryPolicy``), and
/// either returns Duvo's JSON body whole (unknown fields included) or throws a ``DuvoAPIError`` a user can act on.
public final class DuvoClient: Sendable {
    /// What this client talks to and how.
    package let configuration: DuvoConfiguration
    /// The allowance shared by everything in the process (and, through the store of the ``Coordination`` it was
    /// made with, by other processes on the same key).
    package let budget: RateBudget
    private let transport: any HTTPTransport
    /// Where diagnostics go (stderr); the recovery of lost writes logs through it too.
    let logger: Logger
    /// The process's one clock: deadlines and back-offs, the budget, the poll scheduler.
    package let clock: any TimeSource
    /// Duvo's clock and the writes already answered, for telling a lost write's effect from an earlier one's.
    let recovery: WriteRecovery

    /// A client over `transport`; by default the one ``TransportSelection`` picks for the base URL (no proxy, the
    /// system's CAs). Without `coordination` the process keeps its budget to itself.
    public init(configuration: DuvoConfiguration, transport: (any HTTPTransport)? = nil,
                logger: Logger = Logger(label: "duvo", level: .warning), coordination: Coordination = .off,
                clock: any TimeSource = SystemTimeSource()) {
        self.configuration = configuration
        self.clock = clock
        self.transport = transport ?? Self.defaultTransport(for: configuration.baseURL)
        self.logger = logger
        self.recovery = WriteRecovery(keepSeconds: configuration.requestTimeout + Self.recoveryWindow)
        self.budget = RateBudget(limit: configuration.rateLimitPerMinute, store: coordination.budgetStore,
                                 clock: clock)
        if let key = configuration.apiKey { SecretRedactor.register(key.secret) }
    }

    /// The transport for a base URL: plain sockets for `http`, libcurl for `https`.
    package static func defaultTransport(for baseURL: URL) -> any HTTPTransport {
        TransportSelection.transport(for: baseURL)
    }

    /// Sends `request` and returns the JSON body of a 2xx answer.
    /// - Throws: ``DuvoAPIError``; never includes the API key.
    package func send(_ request: APIRequest, priority: RateBudget.Priority = .interactive)
        async throws(DuvoAPIError) -> JSONValue
    {
        try await answer(request, priority: priority).body
    }

    /// Sends `request` and decodes the body of a 2xx answer as `model`: the one place Duvo's answers become types.
    /// - Throws: ``DuvoAPIError``; ``DuvoAPIError/invalidResponse(operation:detail:)`` for a body of another shape.
    package func send<M: DuvoModel>(_ request: APIRequest, as model: M.Type,
                                     priority: RateBudget.Priority = .interactive) async throws(DuvoAPIError) -> M
    {
        try M(decoding: try await answer(request, priority: priority).body, operation: request.operation)
    }

    /// Sends `request` and returns the JSON body of a 2xx answer with the server's `Date`.
    ///
    /// One deadline (``DuvoConfiguration/requestTimeout``) covers every attempt and back-off of the call; time spent
    /// waiting for the process's own rate budget does not count. A 429's `Retry-After` is always waited out (when it
    /// fits the deadline), whatever the budget's limit. With `trace` logging each exchange is logged.
    /// - Throws: ``DuvoAPIError``; never includes a secret.
    package func answer(_ request: APIRequest, priority: RateBudget.Priority = .interactive)
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
        var attempt = CallAttempts(request: request, policy: configuration.retry,
                                   deadline: configuration.requestTimeout, clock: clock)
        while true {
            let queued = clock.now()
            do {
                try await budget.acquire(priority)
            } catch {
                throw .cancelled
            }
            attempt.begin(queuedSeconds: clock.now() - queued)
            let response: APIResponse
            do {
                response = try await transport.send(method: request.method.rawValue, url: url, headers: headers,
                                                    body: body, timeout: attempt.remaining)
            } catch {
                logger.trace("\(request.method.rawValue) \(request.path) -> \(error) after "
                    + "\(attempt.attemptMilliseconds) ms (attempt \(attempt.count))")
                // A certificate or a proxy that refuses us refuses again: say how to fix it instead of retrying.
                if let refusal = refusal(error, request: request) { throw refusal }
                let delay = try attempt.failed(error)
                logger.debug("\(request.operation): \(error); retrying in \(FailedCall.seconds(delay)) s "
                    + "(attempt \(attempt.count + 1))")
                try await pause(delay)
                continue
            }
            logger.trace("\(request.method.rawValue) \(request.path) -> \(response.status) in "
                + "\(attempt.attemptMilliseconds) ms (attempt \(attempt.count))")
            // Only a count that says nothing remains changes the budget: skip the hop to it otherwise.
            if let remaining = response.headers["x-ratelimit-remaining"].flatMap({ Int($0) }), remaining <= 0 {
                await budget.observe(remaining: remaining,
                                     resetSeconds: response.headers["x-ratelimit-reset"].flatMap { Double($0) })
            }
            let bytes = SecretRedactor.redact(bytes: response.body) ?? response.body
            if (200..<300).contains(response.status) {
                recovery.observe(serverDate: response.serverDate, receivedAt: Date().timeIntervalSince1970)
                do {
                    return APIAnswer(body: try JSONParser().parse(bytes), serverDate: response.serverDate)
                } catch {
                    // Duvo acted: a write's caller looks for its effect (``DuvoAPIError/mayHaveReachedDuvo``).
                    let summary = BodySummary.describe(bytes, contentType: response.headers["content-type"])
                    throw .invalidResponse(operation: request.operation,
                                           detail: "\(response.status) with \(summary); \(error)")
                }
            }
            let upstream = describe(response, body: bytes, request: request, attempts: attempt.count)
            if response.status == 429 {
                // A 429 means Duvo did not act on the request, so even a POST may be sent again.
                let wait = response.retryAfterSeconds ?? 1
                await budget.penalize(retryAfter: wait)
                guard attempt.rateLimited(wait: wait) else { throw .rateLimited(upstream) }
                logger.debug("\(request.operation): rate limited; waiting \(FailedCall.seconds(wait)) s")
                try await pause(wait)
                continue
            }
            if RetryPolicy.isRetryable(status: response.status), request.isIdempotent,
               let delay = attempt.retryDelay(retryAfter: response.retryAfterSeconds)
            {
                logger.debug("\(request.operation): Duvo answered \(response.status); retrying in "
                    + "\(FailedCall.seconds(delay)) s")
                try await pause(delay)
                continue
            }
            throw Self.classify(status: response.status, upstream)
        }
    }

    private func pause(_ seconds: Double) async throws(DuvoAPIError) {
        do {
            try await clock.sleep(seconds: seconds)
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
    // Bytes, not Foundation's `addingPercentEncoding`, which goes through CFString.
    package static func encode(_ component: String) -> String {
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

    /// The advice for a transport failure that no retry can cure (a rejected certificate, a proxy refusing our
    /// credentials), or nil for one that may pass.
    private func refusal(_ error: TransportError, request: APIRequest) -> DuvoAPIError? {
        switch error {
        case .certificateRejected(let detail):
            .notConfigured("\(request.operation): the TLS certificate of \(configuration.baseURL.host ?? "the server") "
                + "was rejected (\(SecretRedactor.redact(detail))); if it is signed by a private CA, "
                + "\(TLSConfiguration.advice).")
        case .proxyRejected(let detail):
            .notConfigured("\(request.operation): the proxy refused the request (\(SecretRedactor.redact(detail))); "
                + "check the user and password in HTTPS_PROXY / HTTP_PROXY / ALL_PROXY, or exempt the host with "
                + "NO_PROXY.")
        case .connectFailed, .connectionLost, .timedOut, .cancelled: nil
        }
    }

    /// Duvo's refusal as a typed error: its `error` and `message` fields when the body is its JSON error shape,
    /// otherwise a one-line summary of the body (never raw HTML). `body` is already redacted.
    private func describe(_ response: APIResponse, body: [UInt8], request: APIRequest, attempts: Int) -> UpstreamError {
        let json: JSONValue?
        do {
            json = try JSONParser().parse(body)
        } catch {
            json = nil  // not JSON: described by the summary below, which is what a user can act on
        }
        let fields = json?["error"] != nil || json?["message"] != nil
        return UpstreamError(operation: request.operation, method: request.method.rawValue, path: request.path,
                             httpStatus: response.status, error: json?["error"]?.stringValue,
                             message: json?["message"]?.stringValue, retryAfterSeconds: response.retryAfterSeconds,
                             bodySummary: fields ? nil : BodySummary.describe(body, contentType:
                                response.headers["content-type"]),
                             attempts: attempts)
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
