/// How failed requests are retried: jittered exponential back-off that honours `Retry-After`, a bounded number of
/// times, and only when a retry cannot duplicate an effect.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    package var maxAttempts: Int
    /// The first back-off.
    package var baseDelay: Double
    /// The longest back-off (and the longest `Retry-After` honoured before giving up).
    package var maxDelay: Double

    /// A policy; the defaults retry three times within a few seconds.
    public init(maxAttempts: Int = 4, baseDelay: Double = 0.2, maxDelay: Double = 8) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The wait before attempt `attempt + 1` (attempt counts from 1), with full jitter, at least `retryAfter`.
    package func delay(afterAttempt attempt: Int, retryAfter: Double?) -> Double {
        let ceiling = min(maxDelay, baseDelay * Double(1 << min(attempt - 1, 16)))
        let jittered = Double.random(in: (ceiling / 2)...ceiling)
        return max(jittered, retryAfter ?? 0)
    }

    /// Whether an HTTP status is worth retrying for a request that may be retried.
    package static func isRetryable(status: Int) -> Bool {
        status == 429 || status == 500 || status == 502 || status == 503 || status == 504
    }
}
