/// The time the poll scheduler reads and sleeps on, injected so that tests control it.
public protocol PollClock: Sendable {
    /// Seconds on a clock that never jumps, from an arbitrary fixed point.
    func now() -> Double
    /// Returns after `seconds` (or at once when the task is cancelled, throwing `CancellationError`).
    func sleep(seconds: Double) async throws
}

/// The real clock: ``MonotonicClock`` and `Task.sleep`.
public struct SystemPollClock: PollClock {
    /// The system's monotonic clock.
    public init() {}

    public func now() -> Double { MonotonicClock.now() }

    public func sleep(seconds: Double) async throws {
        try await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1e9))
    }
}
