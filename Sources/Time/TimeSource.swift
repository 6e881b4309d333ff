/// The time the client core reads and sleeps on: a call's deadline and back-offs, the poll scheduler's intervals.
///
/// Injected so that retry, deadline and scheduling rules are testable without waiting: a test's source can advance
/// on every sleep, or only when the test says.
public protocol TimeSource: Sendable {
    /// Seconds on a clock that never jumps, from an arbitrary fixed point.
    func now() -> Double
    /// Returns after `seconds`.
    /// - Throws: `CancellationError` at once when the task is cancelled.
    func sleep(seconds: Double) async throws
}

/// The real time: ``MonotonicClock`` and `Task.sleep`.
public struct SystemTimeSource: TimeSource {
    /// The system's monotonic clock.
    public init() {}

    public func now() -> Double { MonotonicClock.now() }

    public func sleep(seconds: Double) async throws {
        try await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1e9))
    }
}
