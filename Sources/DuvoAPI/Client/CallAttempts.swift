import Diagnostics
import DuvoHTTP
import Time

/// The retry and deadline bookkeeping of one call: how many attempts, how long, and whether another one fits.
///
/// One deadline covers the whole call, its attempts and back-offs; time spent queued for the process's own rate
/// budget is left out, since that is our pacing, not Duvo being slow. Failures (5xx, transport) and rate-limit
/// refusals are counted apart: riding out a 429 storm must not use up the retries a later 5xx is owed.
struct CallAttempts {
    let request: APIRequest
    let policy: RetryPolicy
    /// The call's deadline in seconds.
    let deadline: Double
    let clock: any TimeSource
    /// Attempts sent so far.
    private(set) var count = 0
    private var failures = 0
    private var refusals = 0
    private var start: Double?
    private var queued = 0.0
    private var attemptStart = 0.0

    init(request: APIRequest, policy: RetryPolicy, deadline: Double, clock: any TimeSource) {
        self.request = request
        self.policy = policy
        self.deadline = deadline
        self.clock = clock
    }

    /// Marks the start of an attempt, after `queuedSeconds` spent waiting for the rate budget.
    mutating func begin(queuedSeconds: Double) {
        let now = clock.now()
        if start == nil { start = now } else { queued += queuedSeconds }
        count += 1
        attemptStart = now
    }

    /// Seconds the call has taken so far, budget queues left out.
    var elapsed: Double {
        guard let start else { return 0 }
        return max(0, clock.now() - start - queued)
    }

    /// Seconds left before the deadline, for the transport's own timeout (never zero, which would mean none).
    var remaining: Double { max(0.001, deadline - elapsed) }

    /// How long the current attempt has taken, in milliseconds with one decimal, for trace logs.
    var attemptMilliseconds: String { FailedCall.seconds((clock.now() - attemptStart) * 1000) }

    /// Records a failed exchange and returns the back-off before the next attempt.
    /// - Throws: the call's error when no attempt is left: ``DuvoAPIError/timeout(_:)`` when the deadline ended it,
    ///   ``DuvoAPIError/network(_:)`` otherwise, ``DuvoAPIError/cancelled`` at once when cancelled.
    mutating func failed(_ error: TransportError) throws(DuvoAPIError) -> Double {
        if error == .cancelled { throw .cancelled }
        failures += 1
        let retryable = error.requestCertainlyNotSent || request.isIdempotent
        let delay = policy.delay(afterAttempt: failures, retryAfter: nil)
        let fits = elapsed + delay < deadline
        if retryable, failures < policy.maxAttempts, fits { return delay }
        let call = FailedCall(operation: request.operation, method: request.method.rawValue, path: request.path,
                              cause: Self.redacted(error), attempts: count, elapsedSeconds: elapsed,
                              deadlineSeconds: deadline)
        let outOfTime = error == .timedOut || (retryable && failures < policy.maxAttempts && !fits)
        throw outOfTime ? .timeout(call) : .network(call)
    }

    /// Records a 429 that asked to wait `wait` seconds; whether waiting and trying again fits the call.
    mutating func rateLimited(wait: Double) -> Bool {
        refusals += 1
        return refusals < policy.maxAttempts * 3 && elapsed + wait < deadline
    }

    /// Records a retryable status of an idempotent request; the back-off before the next attempt, or nil when no
    /// attempt is left or it would not fit the deadline.
    mutating func retryDelay(retryAfter: Double?) -> Double? {
        failures += 1
        let delay = policy.delay(afterAttempt: failures, retryAfter: retryAfter)
        return failures < policy.maxAttempts && elapsed + delay < deadline ? delay : nil
    }

    /// The transport's words with any secret taken out (a proxy may echo a header into its error).
    private static func redacted(_ error: TransportError) -> TransportError {
        switch error {
        case .connectFailed(let detail): .connectFailed(SecretRedactor.redact(detail))
        case .connectionLost(let detail): .connectionLost(SecretRedactor.redact(detail))
        case .certificateRejected(let detail): .certificateRejected(SecretRedactor.redact(detail))
        case .proxyRejected(let detail): .proxyRejected(SecretRedactor.redact(detail))
        case .timedOut, .cancelled: error
        }
    }
}
