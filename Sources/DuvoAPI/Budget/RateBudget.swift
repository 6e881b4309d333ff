/// The process's one allowance of requests per minute, shared by every method call and every follow.
///
/// It keeps the send times of the last minute (a sliding log), so no 61-second span ever holds more requests than
/// the limit, whatever window the server counts in. Background work (polls for follows and waits) may use only part
/// of the allowance, leaving room for what a person or a client asked for. After a 429 everyone waits out the
/// server's reset.
public actor RateBudget {
    /// Who is asking: interactive calls may use the whole allowance, background polls only a share.
    public enum Priority: Sendable {
        case interactive
        case background
    }

    /// Requests per minute (0 = unlimited).
    public nonisolated let limit: Int
    /// The fraction of the allowance that background work may use.
    public nonisolated let backgroundShare: Double
    /// The span the log covers: a minute plus a second of slack for network latency.
    private let window: Double = 61
    private var sendTimes: [Double] = []
    private var head = 0
    private var blockedUntil: Double = 0
    private(set) var totalAcquired = 0

    /// A budget of `limit` requests per minute, of which background work may use `backgroundShare`.
    public init(limit: Int, backgroundShare: Double = 0.8) {
        self.limit = max(0, limit)
        self.backgroundShare = backgroundShare
    }

    /// The number of requests a priority may have in flight within one window.
    public nonisolated func allowance(for priority: Priority) -> Int {
        priority == .interactive ? limit : max(1, Int(Double(limit) * backgroundShare))
    }

    /// Waits until a request may be sent, then counts it.
    /// - Throws: `CancellationError` when the waiting task is cancelled.
    public func acquire(_ priority: Priority = .interactive) async throws {
        guard limit > 0 else {
            totalAcquired += 1
            return
        }
        while true {
            try Task.checkCancellation()
            let now = MonotonicClock.now()
            purge(before: now - window)
            let inWindow = sendTimes.count - head
            let allowed = allowance(for: priority)
            if now >= blockedUntil && inWindow < allowed {
                sendTimes.append(now)
                totalAcquired += 1
                return
            }
            var wakeAt = blockedUntil
            if inWindow >= allowed {
                wakeAt = max(wakeAt, sendTimes[head + inWindow - allowed] + window)
            }
            let pause = max(0.005, wakeAt - now)
            try await Task.sleep(nanoseconds: UInt64(pause * 1e9))
        }
    }

    /// Records that the server refused a request for rate: nobody sends again for `retryAfter` seconds.
    public func penalize(retryAfter: Double) {
        blockedUntil = max(blockedUntil, MonotonicClock.now() + max(0.1, retryAfter))
    }

    /// Takes the server's own count into account: when it says nothing remains, wait for its reset.
    public func observe(remaining: Int?, resetSeconds: Double?) {
        guard let remaining, remaining <= 0, let resetSeconds else { return }
        blockedUntil = max(blockedUntil, MonotonicClock.now() + resetSeconds)
    }

    /// Requests counted in the current window.
    public func usedInWindow() -> Int {
        purge(before: MonotonicClock.now() - window)
        return sendTimes.count - head
    }

    /// Requests counted since the budget was made.
    public func acquiredCount() -> Int { totalAcquired }

    private func purge(before cutoff: Double) {
        while head < sendTimes.count && sendTimes[head] < cutoff { head += 1 }
        if head > 1024 && head * 2 > sendTimes.count {
            sendTimes.removeFirst(head)
            head = 0
        }
    }
}
