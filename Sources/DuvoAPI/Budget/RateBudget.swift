/// The process's one allowance of requests per minute, shared by every method call and every follow.
///
/// It keeps the send times of the last minute (a sliding log), so no 61-second span ever holds more requests than
/// the limit, whatever window the server counts in. While statuses are being reported (a status request went in the
/// last window), everything else may fill the log only to 80%: a backlog of clients' calls (say 1,000 `runs/start`
/// at once) would otherwise fill it within seconds and leave nothing, not even the sweeps that report statuses, for
/// the rest of the minute, and a sliding log replays such a burst every minute. Background work (message fetches and
/// polls for follows and waits) may use only part of the allowance, paced evenly across the minute, leaving room for
/// what a client asked for. After a 429 everyone waits out the server's reset.
public actor RateBudget {
    /// Who is asking. When several wait for the same free slot, the higher priority goes first: news of a status
    /// (a sweep, the read of a run waiting for a person), then what a client asked, then background work (message
    /// fetches, routine polls), which may also use only a share of the allowance.
    public enum Priority: Int, Sendable, Comparable {
        case background = 0
        case interactive = 1
        case status = 2

        public static func < (lhs: Priority, rhs: Priority) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// Requests per minute (0 = unlimited).
    public nonisolated let limit: Int
    /// The fraction of the allowance that background work may use.
    public nonisolated let backgroundShare: Double
    /// The span the log covers: a minute plus a second of slack for network latency.
    private nonisolated let window: Double = 61
    private var sendTimes: [Double] = []
    private var head = 0
    private var blockedUntil: Double = 0
    private(set) var totalAcquired = 0
    /// The part of the log kept for news of a status while statuses are being reported.
    private nonisolated let statusReserve = 0.2
    /// When the last request for news of a status was sent (monotonic seconds).
    private var lastStatusSend = -Double.infinity
    /// The slower pace of background requests: a tenth of their allowance at once (at least 3), then their
    /// allowance per minute.
    private var backgroundPace: TokenBucket
    /// How many callers of each priority are waiting for a slot.
    private var waiting: [Priority: Int] = [:]

    /// A budget of `limit` requests per minute, of which background work may use `backgroundShare`.
    public init(limit: Int, backgroundShare: Double = 0.8) {
        self.limit = max(0, limit)
        self.backgroundShare = backgroundShare
        let now = MonotonicClock.now()
        let background = Double(Self.backgroundAllowance(limit: self.limit, share: backgroundShare))
        backgroundPace = TokenBucket(capacity: max(3, background / 10), ratePerSecond: background / 60, now: now)
    }

    /// The number of requests a priority may have in flight within one window.
    public nonisolated func allowance(for priority: Priority) -> Int {
        priority == .background ? Self.backgroundAllowance(limit: limit, share: backgroundShare) : limit
    }

    /// ``allowance(for:)`` now: while statuses are being reported, clients' calls leave the status reserve free.
    private func currentAllowance(for priority: Priority, now: Double) -> Int {
        guard priority == .interactive, now - lastStatusSend < window else { return allowance(for: priority) }
        return max(1, limit - Int((Double(limit) * statusReserve).rounded(.up)))
    }

    private static func backgroundAllowance(limit: Int, share: Double) -> Int {
        max(1, Int(Double(limit) * share))
    }

    /// Waits until a request may be sent (and nobody of a higher priority waits for it), then counts it.
    /// - Throws: `CancellationError` when the waiting task is cancelled.
    public func acquire(_ priority: Priority = .interactive) async throws {
        guard limit > 0 else {
            totalAcquired += 1
            return
        }
        waiting[priority, default: 0] += 1
        defer { waiting[priority, default: 0] -= 1 }
        while true {
            try Task.checkCancellation()
            let now = MonotonicClock.now()
            purge(before: now - window)
            let inWindow = sendTimes.count - head
            let allowed = currentAllowance(for: priority, now: now)
            backgroundPace.refill(now: now)
            let backgroundPaced = priority == .background && !backgroundPace.hasToken
            let free = now >= blockedUntil && inWindow < allowed && !backgroundPaced
            if free && !isOutranked(priority) {
                if priority == .background { backgroundPace.take() }
                if priority == .status { lastStatusSend = now }
                sendTimes.append(now)
                totalAcquired += 1
                return
            }
            if free {
                // Someone of a higher priority takes this slot; look again right after.
                try await Task.sleep(nanoseconds: 2_000_000)
                continue
            }
            var wakeAt = blockedUntil
            if inWindow >= allowed {
                wakeAt = max(wakeAt, sendTimes[head + inWindow - allowed] + window)
            }
            if backgroundPaced { wakeAt = max(wakeAt, now + backgroundPace.secondsUntilToken) }
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

    /// How many callers are waiting for a slot.
    public func waitingCount() -> Int { waiting.values.reduce(0, +) }

    /// Requests counted since the budget was made.
    public func acquiredCount() -> Int { totalAcquired }

    private func isOutranked(_ priority: Priority) -> Bool {
        waiting.contains { $0.key > priority && $0.value > 0 }
    }

    private func purge(before cutoff: Double) {
        while head < sendTimes.count && sendTimes[head] < cutoff { head += 1 }
        if head > 1024 && head * 2 > sendTimes.count {
            sendTimes.removeFirst(head)
            head = 0
        }
    }
}
