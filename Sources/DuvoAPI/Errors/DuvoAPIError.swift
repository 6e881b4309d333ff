/// Why a call to Duvo did not produce a result, with what a user needs to act on it and the cause kept whole.
///
/// Messages never contain a secret: the text that comes from outside is redacted where it enters (see
/// ``UpstreamError``), and the rest is ours.
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
    /// 400/409/422: Duvo rejected the request as invalid.
    case rejected(UpstreamError)
    /// 429 even after waiting and retrying (or a wait longer than the call's deadline).
    case rateLimited(UpstreamError)
    /// 5xx even after retrying (or a write that could not be retried).
    case unavailable(UpstreamError)
    /// Any other unexpected HTTP status.
    case unexpectedStatus(UpstreamError)
    /// Duvo could not be reached, or the connection broke, on every attempt the deadline allowed.
    case network(FailedCall)
    /// The call's deadline passed before an answer came.
    case timeout(FailedCall)
    /// Duvo answered 2xx with a body this client cannot read.
    case invalidResponse(operation: String, detail: String)
    /// The caller cancelled.
    case cancelled
    /// A write (start a run, post a message, answer a request) may have reached Duvo, but its answer was lost and it
    /// could not be confirmed either way. `failure` is what happened; `check` says how to find out.
    indirect case outcomeUnknown(failure: DuvoAPIError, check: String)

    /// The refused request's details, for the HTTP-status cases (also under ``outcomeUnknown(failure:check:)``).
    package var upstream: UpstreamError? {
        switch self {
        case .unauthorized(let error), .forbidden(let error), .notFound(let error), .rejected(let error),
             .rateLimited(let error), .unavailable(let error), .unexpectedStatus(let error):
            error
        case .outcomeUnknown(let failure, _): failure.upstream
        default: nil
        }
    }

    /// The call that got no answer, for the network and timeout cases (also under ``outcomeUnknown(failure:check:)``).
    package var failedCall: FailedCall? {
        switch self {
        case .network(let call), .timeout(let call): call
        case .outcomeUnknown(let failure, _): failure.failedCall
        default: nil
        }
    }

    /// Whether a write that ended this way may still have been carried out by Duvo: the request was sent and the
    /// answer was lost (a dropped connection, no answer in time, or 502/503/504 from a front end between us and Duvo),
    /// or Duvo answered 2xx, so it acted, with a body that cannot be read.
    package var mayHaveReachedDuvo: Bool {
        switch self {
        case .network(let call), .timeout(let call): !call.cause.requestCertainlyNotSent
        case .unavailable(let error): [502, 503, 504].contains(error.httpStatus)
        case .invalidResponse, .outcomeUnknown: true
        default: false
        }
    }

    /// Whether Duvo answered 2xx, so it acted, but the answer could not be read (also under
    /// ``outcomeUnknown(failure:check:)``).
    package var answeredUnread: Bool {
        switch self {
        case .invalidResponse: true
        case .outcomeUnknown(let failure, _): failure.answeredUnread
        default: false
        }
    }

    /// A sentence for a person: what happened and, where there is one, what to do. Each part is said once.
    package var message: String {
        guard let advice else { return what }
        return what + (what.hasSuffix(".") ? " " : ". ") + advice
    }

    /// What happened, without advice.
    package var what: String {
        switch self {
        case .notConfigured(let text), .unsupported(let text): text
        case .unauthorized(let error), .forbidden(let error), .notFound(let error), .rejected(let error),
             .rateLimited(let error), .unavailable(let error), .unexpectedStatus(let error):
            error.summary
        case .network(let call):
            if case .connectFailed = call.cause {
                "\(call.operation): could not reach Duvo (\(call.causeDescription); \(call.effort))"
            } else {
                "\(call.operation): the connection to Duvo broke (\(call.causeDescription); \(call.effort))"
            }
        case .timeout(let call):
            "\(call.operation): no answer from Duvo within the \(FailedCall.seconds(call.deadlineSeconds)) s deadline "
                + "(\(call.effort))"
        case .invalidResponse(let operation, let detail): "\(operation): Duvo's answer could not be read (\(detail))"
        case .cancelled: "cancelled"
        case .outcomeUnknown(let failure, _): failure.what
        }
    }

    /// What to do about it, or nil when the message says it all.
    package var advice: String? {
        switch self {
        case .unauthorized: "Check DUVO_API_KEY (or DUVO_API_KEY_FILE / --api-key-file)."
        case .forbidden: "The key does not belong to that team; check DUVO_TEAM_ID."
        case .rateLimited(let error):
            "The rate limit held after retries."
                + (error.retryAfterSeconds.map { " Retry after \(Int($0.rounded(.up))) s." } ?? "")
        case .unavailable(let error):
            error.method == "GET" ? "Duvo is having trouble; try again shortly."
                : "Duvo is having trouble; check whether the request took effect before repeating it."
        case .network: "Check DUVO_BASE_URL and the network."
        case .timeout: "Duvo or the network is slow; DUVO_TIMEOUT (--timeout) sets the deadline."
        case .outcomeUnknown(_, let check): check
        default: nil
        }
    }

    /// The advice given when no key is configured.
    package static let missingKey = DuvoAPIError.notConfigured(
        "No Duvo API key is configured. Set DUVO_API_KEY, or DUVO_API_KEY_FILE / --api-key-file to a file holding "
            + "it, or run with --simulate to use the built-in simulator.")

    /// The advice given when a v2 team-scoped call has no team.
    package static func missingTeam(for operation: String) -> DuvoAPIError {
        .notConfigured("\(operation) on API v2 needs a team: set DUVO_TEAM_ID (or --team-id, or pass team_id). "
            + "Starting and following runs needs none.")
    }
}
