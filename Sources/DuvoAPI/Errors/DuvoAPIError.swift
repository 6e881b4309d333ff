/// Why a call to Duvo did not produce a result, with what a user needs to act on it.
///
/// Messages never contain the API key.
public enum DuvoAPIError: Error, Sendable, Hashable {
    /// Something needed is not set up (no key, no team for a v2 call, a bad base URL); the text says how to fix it.
    case notConfigured(String)
    /// The call needs an API version other than the configured one.
    case unsupported(String)
    /// 401: the key is missing or was rejected.
    case unauthorized(UpstreamError)
    /// 403: the key may not act on that team or run.
    case forbidden(UpstreamError)
    /// 404: no such run, agent or request (or not visible to this key).
    case notFound(UpstreamError)
    /// 400/422: Duvo rejected the request as invalid.
    case rejected(UpstreamError)
    /// 429 even after waiting and retrying.
    case rateLimited(UpstreamError)
    /// 5xx even after retrying (or a non-idempotent request that could not be retried).
    case unavailable(UpstreamError)
    /// Any other unexpected HTTP status.
    case unexpectedStatus(UpstreamError)
    /// Duvo could not be reached, or the connection broke; the text says which.
    case network(operation: String, detail: String)
    /// No answer in time.
    case timeout(operation: String, seconds: Double)
    /// Duvo answered 2xx with a body this client cannot read.
    case invalidResponse(operation: String, detail: String)
    /// The caller cancelled.
    case cancelled

    /// The refused request's details, for the HTTP-status cases.
    public var upstream: UpstreamError? {
        switch self {
        case .unauthorized(let error), .forbidden(let error), .notFound(let error), .rejected(let error),
             .rateLimited(let error), .unavailable(let error), .unexpectedStatus(let error):
            error
        default: nil
        }
    }

    /// A sentence for a person: what happened and, where there is one, what to do.
    public var message: String {
        switch self {
        case .notConfigured(let text), .unsupported(let text): return text
        case .unauthorized(let error):
            return "\(error.summary). Check DUVO_API_KEY (or DUVO_API_KEY_FILE / --api-key-file)."
        case .forbidden(let error):
            return "\(error.summary). The key does not belong to that team; check DUVO_TEAM_ID."
        case .notFound(let error), .rejected(let error), .unexpectedStatus(let error):
            return error.summary
        case .rateLimited(let error):
            let wait = error.retryAfterSeconds.map { " Retry after \(Int($0.rounded(.up))) s." } ?? ""
            return "\(error.summary). The rate limit held after retries.\(wait)"
        case .unavailable(let error):
            return "\(error.summary). Duvo is having trouble; try again shortly."
        case .network(let operation, let detail):
            return "\(operation): could not reach Duvo (\(detail)). Check DUVO_BASE_URL and the network."
        case .timeout(let operation, let seconds):
            return "\(operation): no answer from Duvo within \(Int(seconds)) s."
        case .invalidResponse(let operation, let detail):
            return "\(operation): Duvo's answer could not be read (\(detail))."
        case .cancelled:
            return "cancelled"
        }
    }

    /// The advice given when no key is configured.
    public static let missingKey = DuvoAPIError.notConfigured(
        "No Duvo API key is configured. Set DUVO_API_KEY, or DUVO_API_KEY_FILE / --api-key-file to a file holding "
            + "it, or run with --simulate to use the built-in simulator.")

    /// The advice given when a v2 team-scoped call has no team.
    public static func missingTeam(for operation: String) -> DuvoAPIError {
        .notConfigured("\(operation) on API v2 needs a team: set DUVO_TEAM_ID (or --team-id, or pass team_id), "
            + "or use DUVO_API_VERSION=v1 to start runs without one.")
    }
}
