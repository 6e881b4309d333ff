/// A token bucket: up to `capacity` requests back to back, then `ratePerSecond` on average.
struct TokenBucket {
    /// The most tokens the bucket holds: the longest burst.
    let capacity: Double
    /// Tokens regained per second.
    let ratePerSecond: Double
    private(set) var tokens: Double
    private var refilledAt: Double

    /// A full bucket at `now`.
    init(capacity: Double, ratePerSecond: Double, now: Double) {
        self.capacity = capacity
        self.ratePerSecond = ratePerSecond
        tokens = capacity
        refilledAt = now
    }

    /// Adds the tokens regained since the last refill.
    mutating func refill(now: Double) {
        tokens = min(capacity, tokens + max(0, now - refilledAt) * ratePerSecond)
        refilledAt = now
    }

    /// Whether a whole token is there.
    var hasToken: Bool { tokens >= 1 }

    /// Takes a token.
    mutating func take() { tokens -= 1 }

    /// Seconds until a whole token is there again.
    var secondsUntilToken: Double { hasToken ? 0 : (1 - tokens) / ratePerSecond }
}
