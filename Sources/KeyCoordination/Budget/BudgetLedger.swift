/// The state of one key's allowance that every participant (a `duvo` process) shares, and the one rule that decides
/// whether a request may be sent now.
///
/// A pure value: the in-memory store keeps one, the file store reads and writes one under a lock, and the Redis
/// store's Lua script applies the same rule to the same fields. Times are seconds on the store's clock.
package struct BudgetLedger: Sendable, Hashable {
    /// A participant waiting for a slot: its most urgent waiting caller, and when the entry lapses unless renewed.
    package struct Waiter: Sendable, Hashable {
        package var priority: RateBudget.Priority
        package var expires: Double
    }

    /// The span the log covers: a minute plus a second of slack for network latency.
    package static let window: Double = 61
    /// How long a waiter's registration lives without a heartbeat: a killed process stops outranking others after this.
    package static let waiterLifetime: Double = 3
    /// The longest a waiter sleeps before looking again (and renewing its registration).
    package static let heartbeat: Double = 1
    /// The pause of a caller that found a free slot but must leave it to a more urgent waiter.
    package static let yieldPause: Double = 0.01
    /// The longest penalty kept: a 429 that asks for more is honoured this long, and the next one renews it. A ledger
    /// that says more (from another boot, or damaged) is not believed.
    package static let longestPenalty: Double = 900

    /// Send times within the window, oldest first.
    package var sendTimes: [Double] = []
    /// Nobody sends before this (a 429's Retry-After).
    package var blockedUntil: Double = 0
    /// When news of a status was last sent or expected (a follow was registered).
    package var lastStatusNews: Double = -Double.infinity
    /// Participants with callers waiting, by participant id.
    package var waiters: [String: Waiter] = [:]
    /// Status requests that may still dip into the status reserve at once (refilled at the reserve's rate).
    package var reserveTokens: Double = 0
    /// When ``reserveTokens`` was last refilled.
    package var reserveRefilledAt: Double = -Double.infinity
    /// When every send so far would have gone had the key's sends been spread evenly over the minute, one every
    /// ``Allowances/backgroundSpacing`` (a virtual clock, advanced by every grant of every priority). Background
    /// work goes only while it is not ahead of now by more than a short burst, so it fills what other requests
    /// leave of an even spread: sends bunched in a minute's first seconds (twenty processes starting, a pace of
    /// each process's own) would fill the log and leave the rest of the minute silent, and a sliding log replays
    /// such a shape every minute.
    package var evenSpreadAt: Double = -Double.infinity

    package init() {}

    /// Applies the rule for one attempt at `now` and returns whether the request may go.
    ///
    /// A request may go when the penalty has passed, the log holds fewer than its priority's allowance, and no other
    /// live participant has a more urgent caller waiting. The attempt also renews the participant's registration:
    /// `request.waiting` while it waits, `request.waitingAfterGrant` once granted.
    package mutating func attempt(_ request: SlotRequest, now: Double) -> SlotDecision {
        purge(now: now)
        let allowed = request.allowances.allowance(for: request.priority,
                                                   statusesFlowing: now - lastStatusNews < Self.window)
        let inWindow = sendTimes.count
        var free = now >= blockedUntil && inWindow < allowed
        // A status request beyond what clients' calls may fill takes from the reserve, which is spread across the
        // window: spent in the first seconds of a minute, it would leave statuses silent for the rest of it.
        let fromReserve = request.priority == .status && inWindow >= request.allowances.interactiveWhileStatuses
        // How long a paced request must still wait: a status from the reserve for its tokens, background work for
        // the even spread of every participant's sends.
        var paceWait = 0.0
        if free && fromReserve, let pace = request.allowances.reservePace {
            reserveTokens = min(pace.burst, reserveTokens + max(0, now - reserveRefilledAt) * pace.perSecond)
            reserveRefilledAt = now
            paceWait = reserveTokens >= 1 ? 0 : (1 - reserveTokens) / pace.perSecond
        } else if free && request.priority == .background {
            paceWait = max(0, evenSpreadAt - now - request.allowances.backgroundTolerance)
        }
        free = free && paceWait == 0
        let outranked = waiters.contains { $0.key != request.participant && $0.value.priority > request.priority }
        if free && !outranked {
            sendTimes.append(now)
            if request.priority == .status { lastStatusNews = now }
            if fromReserve && request.allowances.reservePace != nil { reserveTokens -= 1 }
            evenSpreadAt = max(evenSpreadAt, now) + request.allowances.backgroundSpacing
            register(request.participant, request.waitingAfterGrant, now: now)
            return .granted
        }
        register(request.participant, max(request.priority, request.waitingAfterGrant ?? .background), now: now)
        if free { return .wait(seconds: Self.yieldPause) }
        var wakeAt = max(blockedUntil, now + paceWait)
        if inWindow >= allowed { wakeAt = max(wakeAt, sendTimes[inWindow - allowed] + Self.window) }
        return .wait(seconds: min(Self.heartbeat, max(0.005, wakeAt - now)))
    }

    /// Nobody sends for `seconds` from `now` (the server refused a request for rate).
    package mutating func penalize(seconds: Double, now: Double) {
        blockedUntil = max(blockedUntil, now + min(Self.longestPenalty, max(0.1, seconds)))
    }

    /// Forgets what no participant of this boot can have written at or before `now`: a penalty longer than
    /// ``longestPenalty``, send times and status news in the future, registrations longer than ``waiterLifetime``,
    /// an even spread over an hour ahead. Such values come from a damaged file or a clock of another boot, and
    /// believing them would block the key for good.
    package mutating func discardImpossible(now: Double) {
        let slack = 1.0
        if blockedUntil > now + Self.longestPenalty + slack { blockedUntil = 0 }
        if let last = sendTimes.last, last > now + slack { sendTimes.removeAll { $0 > now + slack } }
        waiters = waiters.filter { $0.value.expires <= now + Self.waiterLifetime + slack }
        if lastStatusNews > now + slack { lastStatusNews = -Double.infinity }
        if reserveRefilledAt > now + slack { reserveRefilledAt = -Double.infinity }
        if evenSpreadAt > now + 3600 { evenSpreadAt = -Double.infinity }
    }

    /// Statuses are about to be reported (a follow was registered): clients' calls leave the status reserve free.
    package mutating func noteStatusNews(now: Double) {
        lastStatusNews = max(lastStatusNews, now)
    }

    /// Forgets that `participant` waits (its last caller was cancelled or it is leaving).
    package mutating func leave(_ participant: String) {
        waiters[participant] = nil
    }

    /// Requests in the window ending at `now`.
    package mutating func used(now: Double) -> Int {
        purge(now: now)
        return sendTimes.count
    }

    private mutating func register(_ participant: String, _ priority: RateBudget.Priority?, now: Double) {
        if let priority {
            waiters[participant] = Waiter(priority: priority, expires: now + Self.waiterLifetime)
        } else {
            waiters[participant] = nil
        }
    }

    private mutating func purge(now: Double) {
        Self.forget(&sendTimes, endingBefore: now)
        waiters = waiters.filter { $0.value.expires > now }
    }

    /// Drops from `times` (oldest first) the send times that left the window ending at `now`.
    static func forget(_ times: inout [Double], endingBefore now: Double) {
        let cutoff = now - window
        if let firstKept = times.firstIndex(where: { $0 >= cutoff }) {
            if firstKept > 0 { times.removeFirst(firstKept) }
        } else {
            times.removeAll(keepingCapacity: true)
        }
    }
}

/// One caller's attempt to take a slot in the shared log.
package struct SlotRequest: Sendable, Hashable {
    /// The process asking (a random id per process; never the key).
    package var participant: String
    /// This caller's priority.
    package var priority: RateBudget.Priority
    /// The most urgent of the participant's other waiting callers, which stays registered once this one is granted.
    package var waitingAfterGrant: RateBudget.Priority?
    /// How much of the log each priority may fill.
    package var allowances: Allowances

    package init(participant: String, priority: RateBudget.Priority, waitingAfterGrant: RateBudget.Priority?,
                allowances: Allowances) {
        self.participant = participant
        self.priority = priority
        self.waitingAfterGrant = waitingAfterGrant
        self.allowances = allowances
    }
}

/// How much of the shared log each priority may fill.
package struct Allowances: Sendable, Hashable {
    /// Requests per minute for the key.
    package var limit: Int
    /// What background work may fill.
    package var background: Int
    /// What clients' calls may fill while statuses are being reported (the rest is the status reserve).
    package var interactiveWhileStatuses: Int

    /// Allowances for `limit` with background work held to `backgroundShare` and a status reserve of `statusReserve`.
    package init(limit: Int, backgroundShare: Double, statusReserve: Double = 0.2) {
        self.limit = limit
        background = max(1, Int(Double(limit) * backgroundShare))
        interactiveWhileStatuses = max(1, limit - Int((Double(limit) * statusReserve).rounded(.up)))
    }

    /// How fast a kind of request may go: `burst` back to back, then `perSecond` on average.
    package struct Pace: Sendable, Hashable {
        package var perSecond: Double
        package var burst: Double
    }

    /// How fast status requests may take from the reserve once clients' calls filled the rest: the reserve per
    /// minute, evenly, with bursts of a sixth of it (nil when there is no reserve).
    package var reservePace: Pace? {
        let reserve = Double(limit - interactiveWhileStatuses)
        guard reserve > 0 else { return nil }
        return Pace(perSecond: reserve / 60, burst: max(2, reserve / 6))
    }

    /// The interval between two sends of an even spread that fills the background allowance in one window.
    package var backgroundSpacing: Double { BudgetLedger.window / Double(background) }

    /// How far ahead of now the even spread may be for background work to go: a burst of a tenth of its allowance
    /// (at least 3) back to back.
    package var backgroundTolerance: Double { (max(3, Double(background) / 10).rounded(.down) - 1) * backgroundSpacing }

    /// What `priority` may fill now.
    package func allowance(for priority: RateBudget.Priority, statusesFlowing: Bool) -> Int {
        switch priority {
        case .background: background
        case .interactive: statusesFlowing ? interactiveWhileStatuses : limit
        case .status: limit
        }
    }
}

/// What the shared log says to one attempt.
package enum SlotDecision: Sendable, Hashable {
    /// Counted: send the request now.
    case granted
    /// Look again after this many seconds.
    case wait(seconds: Double)
}
