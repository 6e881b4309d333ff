import Synchronization

/// Counts requests per API key in fixed 60-second windows of real time.
///
/// A key's window opens with its first request and lasts 60 s; real time (not simulated) because the limit protects
/// the server from clients, whose pace does not depend on `--speed`.
final class RateLimiter: Sendable {
    /// What one request is told about its key's budget.
    struct Decision: Sendable {
        var allowed: Bool
        var limit: Int
        var remaining: Int
        /// Whole seconds until the window resets (at least 1).
        var resetSeconds: Int
    }

    private struct Window: Sendable {
        var start: Int64
        var count: Int
    }

    /// Requests per key per minute; 0 disables limiting.
    let limit: Int
    private let windowNanoseconds: Int64 = 60_000_000_000
    private let windows = Mutex<[String: Window]>([:])
    private let now: @Sendable () -> Int64

    /// A limiter allowing `limit` requests per key per minute (0 = unlimited); `now` gives monotonic nanoseconds.
    init(limit: Int, now: @escaping @Sendable () -> Int64 = SimulatedClock.monotonicNanoseconds) {
        self.limit = max(0, limit)
        self.now = now
    }

    /// Counts one request for `key`; nil when limiting is off.
    func take(_ key: String) -> Decision? {
        guard limit > 0 else { return nil }
        let current = now()
        return windows.withLock { windows in
            var window = windows[key] ?? Window(start: current, count: 0)
            if current - window.start >= windowNanoseconds { window = Window(start: current, count: 0) }
            let allowed = window.count < limit
            if allowed { window.count += 1 }
            windows[key] = window
            let left = windowNanoseconds - (current - window.start)
            let reset = max(1, Int((left + 999_999_999) / 1_000_000_000))
            return Decision(allowed: allowed, limit: limit, remaining: limit - window.count, resetSeconds: reset)
        }
    }
}
