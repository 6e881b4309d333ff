/// How often runs are polled: quickly while they are young or active, less often as they age, as the operations
/// guide's table suggests (short runs every few seconds, long runs every minute or two).
public struct PollTuning: Sendable {
    /// Intervals by the time a run has been watched: (watched for less than, poll every) in seconds.
    package var ageIntervals: [(upTo: Double, every: Double)]
    /// The interval for runs watched longer than the last entry.
    package var oldestInterval: Double
    /// The interval right after a run changed: activity is likely to continue.
    package var activeInterval: Double
    /// Polls of different runs that may be under way at once.
    package var concurrency: Int
    /// Multiplies every interval (tests and fast simulators use less than 1).
    package var scale: Double
    /// How often a team-wide sweep lists recently updated runs, when sweeps are used.
    package var sweepInterval: Double
    /// From how many watched runs on sweeps are used instead of one poll per run (when the API can list runs).
    package var sweepThreshold: Int
    /// The part of the rate budget sweeps may use (they are spaced out further when the limit is low).
    package var sweepShare: Double
    /// The most pages (of 100 runs) one sweep reads.
    package var maxSweepPages: Int
    /// The most pages of messages one read of a run (a poll, or a fetch under sweeps) reads before other runs get
    /// their turn.
    package var maxMessagePagesPerRead: Int
    /// The most events a subscription's subscriber may leave unread (a client that stopped reading its
    /// notifications) before the subscription is paused, so memory stays bounded; it goes on where it stopped once
    /// half of them are read (see ``PollCore/pause(_:effects:)``).
    package var maxUnreadEvents: Int
    /// The most follows a process holds at once (`runs/follow`, MCP task streams, the CLI's follows), so that a
    /// client cannot make it hold and poll without bound; waits are bounded by the requests in flight.
    package var maxFollows: Int
    /// Message-only fetches that may be under way at once (sweep mode); the budget paces them anyway.
    package var fetchConcurrency: Int
    /// How long a run newly watched under sweeps waits to be listed before it gets its own first poll (at least two
    /// and a half sweep intervals).
    package var firstLookGrace: Double
    /// Sweeps that must complete without listing a run newly watched under sweeps before it gets its own first
    /// read (however long they take: a read of its own competes with the sweep for the budget)...
    package var firstLookSweeps: Int
    /// ...but no longer than this, in seconds (sweeps that stopped coming).
    package var firstLookPatience: Double
    /// How long after a fetch a confirming fetch waits (one of the API's whole-second timestamps).
    package var confirmationDelay: Double
    /// Failed sweeps in a row after which every run goes back to its own polls.
    package var sweepFailuresBeforeFallback: Int
    /// How far ahead in the message-fetch queue a run that ended goes (its last fetch ends its follows), in seconds.
    package var finalFetchHeadStart: Double
    /// How long a run listed by a sweep counts as known to exist (so following it needs no read of its own).
    package var listingMemory: Double
    /// The scheduler's longest pause between looks at what is due, in seconds (not scaled).
    package var tick: Double
    /// The least time between two reads of one run that webhook hints ask for, whatever the hint rate.
    package var hintSpacing: Double
    /// How often a run started with this process's webhook is read while events arrive (the safety net): the
    /// operations guide's 60-120 s for long runs.
    package var safetyNetInterval: Double
    /// How long after a read found a change that Duvo announces (an end, a request for a person) its event may
    /// still arrive before it counts as missed.
    package var missedEventGrace: Double
    /// How long the process that sweeps waits after an event announcing an end before it lists the key's runs, so
    /// that events arriving together share one listing.
    package var hintSweepDelay: Double
    /// The least time between the starts of two sweeps that events brought forward (a flood of events costs at most
    /// one listing per this interval for the whole key).
    package var hintSweepSpacing: Double
    /// How long a swept run that an event said ended waits for a listing to show the end before it is read on its
    /// own (no process swept in time, or the event was not true).
    package var hintListingPatience: Double
    /// How often a process reads the latest published sweep while a run it watches waits for a listing after an
    /// event (instead of every ``PollCore/sharingInterval``).
    package var hintPublicationPoll: Double

    /// The defaults: 2 s for two minutes, 10 s to a quarter hour, then 30 s; 1 s after a change.
    public init(scale: Double = 1, concurrency: Int = 16) {
        ageIntervals = [(120, 2), (900, 10)]
        oldestInterval = 30
        activeInterval = 1
        self.concurrency = concurrency
        self.scale = scale
        sweepInterval = 2
        sweepThreshold = 3
        maxSweepPages = 20
        sweepShare = 0.2
        fetchConcurrency = 4
        maxMessagePagesPerRead = 10
        maxUnreadEvents = 10_000
        maxFollows = 10_000
        firstLookGrace = 5
        firstLookSweeps = 2
        firstLookPatience = 30
        confirmationDelay = 1
        sweepFailuresBeforeFallback = 3
        tick = 0.05
        listingMemory = 120
        finalFetchHeadStart = 30
        hintSpacing = 0.25
        safetyNetInterval = 60
        missedEventGrace = 5
        hintSweepDelay = 0.1
        hintSweepSpacing = 1.0
        hintListingPatience = 2.5
        hintPublicationPoll = 0.05
    }

    /// The next poll's delay for a run watched for `age` seconds that did or did not just change.
    package func interval(age: Double, changed: Bool) -> Double {
        if changed { return activeInterval * scale }
        let base = ageIntervals.first { age < $0.upTo }?.every ?? oldestInterval
        return base * scale
    }
}
