import JSONCore

/// The scheduler's record of one run and everyone following or waiting on it.
struct WatchedRun {
    /// One follower or waiter.
    struct Subscriber {
        let continuation: AsyncStream<RunEvent>.Continuation
        /// The position of the next message this subscriber should receive.
        var nextIndex: Int
        /// Whether it wants messages at all (waits need only statuses).
        let wantsMessages: Bool
        /// The status last reported to it (nil before the first report).
        var lastStatus: String?
        /// The id of the human request last reported to it, so a new request while still waiting is reported too.
        var lastRequestID: String? = nil
    }

    /// Messages that may be waiting to be fetched (sweep mode): since when, and which listing said so.
    struct StaleMessages {
        /// When the scheduler learned of them (monotonic seconds); the oldest news is fetched first.
        var since: Double
        /// The run's `updated_at` as the listing that reported the news gave it.
        var updatedAt: String?
        /// A fetch must not start before this time: a confirmation waits for the second it checks to be over.
        var notBefore: Double = 0
    }

    let runID: String
    let firstWatched: Double
    var subscribers: [UInt64: Subscriber] = [:]
    /// The status last learned, from a poll or a sweep.
    var lastStatus: String?
    /// The `updated_at` last learned; a sweep listing a different one means the run changed.
    var lastUpdatedAt: String?
    /// When the run's own poll is due (per-run mode, a first look, a status that needs the run read).
    var nextDue: Double
    var pollInFlight = false
    var consecutiveFailures = 0
    /// Whether the next poll must read the run itself: a first look, or a wait for a person (its request is only in
    /// the run's own answer). Such polls go ahead of message fetches in the budget.
    var statusPending = true
    /// Whether team-wide sweeps (not per-run polls) watch this run for changes.
    var seenInSweep = false
    /// Sweep mode: new messages may be waiting to be fetched.
    var staleMessages: StaleMessages?
    /// Sweep mode: the terminal status already reported; the follow ends once every message is delivered.
    var terminalStatus: String?

    init(runID: String, now: Double) {
        self.runID = runID
        firstWatched = now
        nextDue = now
    }

    /// The lowest message position any subscriber still needs, if any wants messages.
    var lowestWantedIndex: Int? {
        subscribers.values.filter(\.wantsMessages).map(\.nextIndex).min()
    }

    /// Notes that new messages may be waiting (keeping the oldest news time when some already were).
    mutating func markStale(updatedAt: String?, now: Double, notBefore: Double = 0) {
        guard lowestWantedIndex != nil else { return }
        if var stale = staleMessages {
            stale.updatedAt = updatedAt
            stale.notBefore = min(stale.notBefore, notBefore)
            staleMessages = stale
        } else {
            staleMessages = StaleMessages(since: now, updatedAt: updatedAt, notBefore: notBefore)
        }
    }

    /// Whether a poll that reads the run itself is due at `now`.
    func pollIsDue(at now: Double) -> Bool {
        !pollInFlight && nextDue <= now && (statusPending || !seenInSweep)
    }

    /// Whether a message-only fetch is due at `now` (sweep mode).
    func messageFetchIsDue(at now: Double) -> Bool {
        guard !pollInFlight, seenInSweep, let stale = staleMessages else { return false }
        return stale.notBefore <= now
    }
}
