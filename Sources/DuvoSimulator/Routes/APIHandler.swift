import Diagnostics
import HTTPServer

/// The request pipeline: injected faults, then authentication, rate limiting and routing.
///
/// Faults come first because they stand for infrastructure in front of the API: an injected 5xx or 429 answers
/// instead of the API, so nothing is applied.
final class APIHandler: Sendable {
    private let credentials: Credentials
    private let limiter: RateLimiter
    private let faults: FaultInjector
    private let router: Router
    private let clock: SimulatedClock
    private let logger: Logger
    private let sendsRateHeaders: Bool

    init(credentials: Credentials, limiter: RateLimiter, faults: FaultInjector, router: Router,
         clock: SimulatedClock, logger: Logger, sendsRateHeaders: Bool = true) {
        self.sendsRateHeaders = sendsRateHeaders
        self.clock = clock
        self.credentials = credentials
        self.limiter = limiter
        self.faults = faults
        self.router = router
        self.logger = logger
    }

    /// Answers one request (called on a connection thread).
    func handle(_ request: HTTPRequest) -> HTTPResponse {
        let fault = faults.next()
        var response: HTTPResponse
        switch fault {
        case .serverError(let status)?:
            response = Self.injected(status)
        case .rateLimited?:
            var error = APIError(status: 429, code: "rate_limited", message: "Too many requests; retry after 1 second.")
            error.headers.set("Retry-After", "1")
            response = JSONResponse.error(error)
        case .latency(let milliseconds)?:
            response = process(request)
            response.delay = .milliseconds(milliseconds)
        case .drop?:
            response = process(request)
            response = .dropConnection
        case nil:
            response = process(request)
        }
        // Like any origin server with a clock (RFC 9110), every answer carries `Date`: the simulated clock's time,
        // the same clock the runs' timestamps come from.
        response.headers.set("Date", Timestamp.httpDate(clock.now()))
        if let fault { logger.debug("fault injected: \(fault) on \(request.method) \(request.path)") }
        if logger.isEnabled(.debug) { logger.debug("\(request.method) \(request.target) -> \(response.status)") }
        return response
    }

    private func process(_ request: HTTPRequest) -> HTTPResponse {
        guard let key = Self.bearerToken(request), let teams = credentials.teams(for: key) else {
            return JSONResponse.error(
                .unauthorized(
                    "Missing or unknown API key; send the header 'Authorization: Bearer <key>' "
                        + "with a key the simulator knows."
                ))
        }
        var rateHeaders: [(String, String)] = []
        if let decision = limiter.take(key) {
            if sendsRateHeaders {
                rateHeaders = [
                    ("x-ratelimit-limit", String(decision.limit)),
                    ("x-ratelimit-remaining", String(decision.remaining)),
                    ("x-ratelimit-reset", String(decision.resetSeconds)),
                ]
            }
            if !decision.allowed {
                var error = APIError(
                    status: 429, code: "rate_limited",
                    message:
                        "Rate limit of \(decision.limit) requests per minute exceeded; "
                        + "retry after \(decision.resetSeconds) seconds."
                )
                error.headers.set("Retry-After", String(decision.resetSeconds))
                return Self.adding(rateHeaders, to: JSONResponse.error(error))
            }
        }
        let response: HTTPResponse
        do {
            response = try router.handle(request, teams: teams)
        } catch {
            response = JSONResponse.error(error)
        }
        return Self.adding(rateHeaders, to: response)
    }

    private static func adding(_ headers: [(String, String)], to response: HTTPResponse) -> HTTPResponse {
        var response = response
        for (name, value) in headers { response.headers.add(name, value) }
        return response
    }

    private static func injected(_ status: Int) -> HTTPResponse {
        let (code, message) =
            switch status {
            case 502: ("bad_gateway", "Injected fault: the upstream service did not answer; retry the request.")
            case 503:
                ("service_unavailable", "Injected fault: the service is temporarily unavailable; retry the request.")
            default: ("internal_error", "Injected fault: an internal error occurred; retry the request.")
            }
        return JSONResponse.error(APIError(status: status, code: code, message: message))
    }

    /// The token of `Authorization: Bearer <token>` (scheme case-insensitive), or nil.
    static func bearerToken(_ request: HTTPRequest) -> String? {
        guard let header = request.headers["Authorization"] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimming(" ")
        return token.isEmpty ? nil : token
    }
}
