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

    /// The defaults: 2 s for two minutes, 10 s to a quarter hour, then 30 s; 1 s after a change.
    public init(scale: Double = 1, concurrency: Int = 16) {
        ageIntervals = [(120, 2), (900, 10)]
        oldestInterval = 30
        activeInterval = 1
        self.concurrency = concurrency
        self.scale = scale
    }

    /// The next poll's delay for a run watched for `age` seconds that did or did not just change.
    public func interval(age: Double, changed: Bool) -> Double {
        if changed { return activeInterval * scale }
        let base = ageIntervals.first { age < $0.upTo }?.every ?? oldestInterval
        return base * scale
    }
}
