import Platform

/// The simulator's notion of "now": it starts at the real wall-clock time and runs `speed` times faster.
///
/// Every timestamp the simulator hands out comes from here, so at `--speed 50` a three-minute run finishes in a
/// few real seconds while its `started_at`/`completed_at` still look three minutes apart.
public final class SimulatedClock: Sendable {
    /// How many simulated seconds pass per real second.
    public let speed: Double
    private let startWall: Int64
    private let startMonotonic: Int64

    /// The fastest clock: 100,000 times real time (a simulated day in under a second). Faster ones would overflow
    /// the millisecond count within a run's life.
    public static let fastest = 100_000.0

    /// Whether the simulator runs at `speed`: above 0 and at most ``fastest``.
    public static func accepts(speed: Double) -> Bool { speed > 0 && speed <= fastest }

    /// A clock starting now at `speed` (values at or below zero, or not finite, are treated as 1; faster than
    /// ``fastest`` as ``fastest``).
    public init(speed: Double) {
        self.speed = speed > 0 && speed.isFinite ? min(speed, Self.fastest) : 1
        self.startWall = Self.wallMilliseconds()
        self.startMonotonic = Self.monotonicNanoseconds()
    }

    /// The current simulated time in milliseconds since the Unix epoch.
    public func now() -> Int64 {
        let elapsed = Double(Self.monotonicNanoseconds() - startMonotonic) / 1_000_000
        return startWall + Int64(elapsed * speed)
    }

    /// How long, in real seconds, a span of simulated milliseconds takes.
    public func realSeconds(forSimulated milliseconds: Int64) -> Double {
        Double(milliseconds) / 1000 / speed
    }

    private static func wallMilliseconds() -> Int64 {
        Platform.wallMilliseconds()
    }

    static func monotonicNanoseconds() -> Int64 {
        Platform.monotonicNanoseconds()
    }
}
