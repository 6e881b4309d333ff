/// How often runs are polled: quickly while they are young or active, less often as they age, as the operations
/// guide's table suggests (short runs every few seconds, long runs every minute or two).
public struct PollTuning: Sendable {
    /// Intervals by the time a run has been watched: (watched for less than, poll every) in seconds.
    public var ageIntervals: [(upTo: Double, every: Double)]
    /// The interval for runs watched longer than the last entry.
    public var oldestInterval: Double
    /// The interval right after a run changed: activity is likely to continue.
    public var activeInterval: Double
    /// Polls of different runs that may be under way at once.
    public var concurrency: Int
    /// Multiplies every interval (tests and fast simulators use less than 1).
    public var scale: Double
    /// How often a team-wide sweep lists recently updated runs, when sweeps are used.
    public var sweepInterval: Double
    /// From how many watched runs on sweeps are used instead of one poll per run (when the API can list runs).
    public var sweepThreshold: Int
    /// The most pages (of 100 runs) one sweep reads.
    public var maxSweepPages: Int

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
    }

    /// The per-run poll interval of a run that sweeps watch: only a safety net, spread so that all such runs together
    /// use at most a quarter of the background allowance (`budgetPerMinute`, 0 = unlimited).
    public func safetyInterval(watched: Int, budgetPerMinute: Int) -> Double {
        let spread = budgetPerMinute > 0 ? Double(watched) * 60 / (Double(budgetPerMinute) * 0.25) : 0
        return max(120 * scale, spread)
    }

    /// The next poll's delay for a run watched for `age` seconds that did or did not just change.
    public func interval(age: Double, changed: Bool) -> Double {
        if changed { return activeInterval * scale }
        let base = ageIntervals.first { age < $0.upTo }?.every ?? oldestInterval
        return base * scale
    }
}
