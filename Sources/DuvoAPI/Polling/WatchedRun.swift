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
