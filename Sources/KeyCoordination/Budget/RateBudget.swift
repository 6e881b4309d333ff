import Time

/// The allowance of requests per minute for one key, shared by every method call and every follow of this process
/// and, through a shared ``BudgetStore``, by every other `duvo` process on the same key and base URL.
///
/// The store keeps the send times of the last minute (a sliding log), so no 61-second span ever holds more requests
/// than the limit, whatever window the server counts in and however many processes send. While statuses are being
/// reported (a status request went in the last window, or a follow was just registered), everything else may fill the
/// log only to 80%: a backlog of clients' calls (say 1,000 `runs/start` at once) would otherwise fill it within
/// seconds and leave nothing, not even the sweeps that report statuses, for the rest of the minute, and a sliding log
/// replays such a burst every minute. Background work (message fetches and polls for follows and waits) may use only
/// part of the allowance, paced evenly across the minute (every process's together), leaving room for what a client
/// asked for. After a 429 everyone (every process) waits out the server's reset.
package actor RateBudget {
    /// Who is asking. When several wait for the same free slot, the higher priority goes first: news of a status
    /// (a sweep, the read of a run waiting for a person), then what a client asked, then background work (message
    /// fetches, routine polls), which may also use only a share of the allowance. This holds across processes.
    package enum Priority: Int, Sendable, Comparable {
        case background = 0
        case interactive = 1
        case status = 2

        package static func < (lhs: Priority, rhs: Priority) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// Requests per minute (0 = unlimited).
    package nonisolated let limit: Int
    /// The fraction of the allowance that background work may use.
    package nonisolated let backgroundShare: Double
    /// Where the shared log lives.
    package nonisolated let store: any BudgetStore
    private nonisolated let allowances: Allowances
    private nonisolated let participant: String
    private nonisolated let clock: any TimeSource
    /// Counts when the store fails in a way its own fallback did not absorb (a bare file or Redis store).
    private let lastResort: LocalBudgetStore
    private var totalAcquired = 0
    /// How many callers of each priority are waiting for a slot.
    private var waiting: [Priority: Int] = [:]
    /// When this process's own requests of the last window were granted (oldest first), to tell them from other
    /// processes' in the shared log.
    private var ownSendTimes: [Double] = []
    /// Requests of this process the store is deciding on: the store may have counted one already while this actor,
    /// free during the wait, answers ``othersSentLately()`` before the grant is stamped in ``ownSendTimes``.
    private var attemptsInFlight = 0

    /// A budget of `limit` requests per minute, of which background work may use `backgroundShare`.
    /// - Parameters:
    ///   - store: the shared log; by default one for this process alone.
    ///   - clock: for this process's own ledger, for telling its own requests from others', and for its waits (a
    ///     manual clock in tests).
    package init(limit: Int, backgroundShare: Double = 0.8, store: (any BudgetStore)? = nil,
                clock: any TimeSource = SystemTimeSource()) {
        self.limit = max(0, limit)
        self.backgroundShare = backgroundShare
        self.clock = clock
        let local = LocalBudgetStore(clock: clock)
        self.store = store ?? local
        lastResort = local
        allowances = Allowances(limit: self.limit, backgroundShare: backgroundShare)
        participant = ParticipantID.make()
    }

    /// The number of requests a priority may have in flight within one window.
    package nonisolated func allowance(for priority: Priority) -> Int {
        allowances.allowance(for: priority, statusesFlowing: false)
    }

    /// Waits until a request may be sent (and nobody of a higher priority, here or in another process, waits for
    /// it), then counts it.
    /// - Throws: `CancellationError` when the waiting task is cancelled.
    package func acquire(_ priority: Priority = .interactive) async throws {
        guard limit > 0 else {
            totalAcquired += 1
            return
        }
        waiting[priority, default: 0] += 1
        do {
            try await waitForSlot(priority)
            waiting[priority, default: 0] -= 1
        } catch {
            waiting[priority, default: 0] -= 1
            if waitingCount() == 0 {
                do { try await store.leave(participant) } catch { lastResort.leave(participant) }
            }
            throw error
        }
    }

    private func waitForSlot(_ priority: Priority) async throws {
        var outrankedPause = 0.002
        while true {
            try Task.checkCancellation()
            if isOutranked(priority) {
                // Someone here of a higher priority takes the next slot; look again soon, less often the longer
                // that lasts (a backlog of 1,000 calls behind a waiting sweep must not spin).
                try await pause(outrankedPause)
                outrankedPause = min(0.1, outrankedPause * 2)
                continue
            }
            outrankedPause = 0.002
            let request = SlotRequest(participant: participant, priority: priority,
                                      waitingAfterGrant: highestWaiting(besides: priority), allowances: allowances)
            let decision: SlotDecision
            attemptsInFlight += 1
            do { decision = try await store.attempt(request) } catch { decision = lastResort.attempt(request) }
            attemptsInFlight -= 1
            switch decision {
            case .granted:
                totalAcquired += 1
                let now = clock.now()
                BudgetLedger.forget(&ownSendTimes, endingBefore: now)
                ownSendTimes.append(now)
                return
            case .wait(let seconds):
                try await pause(seconds)
            }
        }
    }

    /// Records that the server refused a request for rate: nobody (in any process) sends again for `retryAfter`
    /// seconds, at most ``BudgetLedger/longestPenalty`` (the next refusal renews it).
    package func penalize(retryAfter: Double) async {
        let seconds = min(retryAfter, BudgetLedger.longestPenalty)
        do { try await store.penalize(seconds: seconds) } catch { lastResort.penalize(seconds: seconds) }
    }

    /// Takes the server's own count into account when it sends one: when it says nothing remains, wait for its reset.
    /// Nothing depends on it: Duvo's documents state only the limit (300 a minute), not these headers.
    package func observe(remaining: Int?, resetSeconds: Double?) async {
        guard let remaining, remaining <= 0, let resetSeconds else { return }
        await penalize(retryAfter: resetSeconds)
    }

    /// Statuses are about to be reported (a follow was just registered): from now on clients' calls leave the status
    /// reserve free, so a burst of starts cannot fill the log before the first status is polled.
    package func expectStatusNews() async {
        do { try await store.noteStatusNews() } catch { lastResort.noteStatusNews() }
    }

    /// Requests counted in the current window (every process on the store together).
    package func usedInWindow() async -> Int {
        do { return try await store.usedInWindow() } catch { return lastResort.usedInWindow() }
    }

    /// Whether other processes sent requests on the shared log within the last window: it holds more than this
    /// process's own. (Each own send is stamped after the log counted it, and own sends are counted as of a moment
    /// before the log counts: so each stays in this count at least as long as in the log's, however long the log
    /// takes to answer; a request the log may have counted but whose grant has not come back yet counts as this
    /// process's own too: so a process alone never sees others.) False without a limit, or when the log cannot be
    /// read.
    package func othersSentLately() async -> Bool {
        guard limit > 0 else { return false }
        let asked = clock.now()
        let used: Int
        do { used = try await store.usedInWindow() } catch { return false }
        BudgetLedger.forget(&ownSendTimes, endingBefore: asked)
        return used > ownSendTimes.count + attemptsInFlight
    }

    /// How many callers of this process are waiting for a slot.
    package func waitingCount() -> Int { waiting.values.reduce(0, +) }

    /// Requests this process counted since the budget was made.
    package func acquiredCount() -> Int { totalAcquired }

    private func isOutranked(_ priority: Priority) -> Bool {
        waiting.contains { $0.key > priority && $0.value > 0 }
    }

    /// The most urgent waiting caller other than one of `priority`.
    private func highestWaiting(besides priority: Priority) -> Priority? {
        waiting.filter { $0.value > ($0.key == priority ? 1 : 0) }.keys.max()
    }

    private func pause(_ seconds: Double) async throws {
        try await clock.sleep(seconds: max(0.001, seconds))
    }
}
