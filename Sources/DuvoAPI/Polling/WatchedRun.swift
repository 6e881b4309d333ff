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
    }

    let runID: String
    let firstWatched: Double
    var subscribers: [UInt64: Subscriber] = [:]
    var lastStatus: String?
    var lastUpdatedAt: String?
    var nextDue: Double
    var pollInFlight = false
    var consecutiveFailures = 0
    /// Whether the next poll reports a status (a first look, an end, a wait for a person) rather than only messages,
    /// so it goes ahead of message-only polls in the budget.
    var statusPending = true
    /// The `updated_at` the last sweep listed for this run (a message-only poll needs nothing else).
    var listedUpdatedAt: String?
    /// Whether a team-wide sweep has listed this run, so sweeps (not per-run polls) watch it for changes.
    var seenInSweep = false
    /// Whether the last poll saw a change. Timestamps have whole seconds, so a second change within the same second
    /// would leave `updated_at` as it was: after a change, the next sweep polls once more to be sure.
    var needsConfirmation = true

    init(runID: String, now: Double) {
        self.runID = runID
        firstWatched = now
        nextDue = now
    }

    /// The lowest message position any subscriber still needs, if any wants messages.
    var lowestWantedIndex: Int? {
        subscribers.values.filter(\.wantsMessages).map(\.nextIndex).min()
    }
}
