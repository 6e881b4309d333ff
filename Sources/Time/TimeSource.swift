import Foundation

/// The one clock the client, the rate budget, the poll scheduler and coordination read and sleep on: a call's
/// deadline and back-offs, the budget's window and waits, the scheduler's intervals, leases' terms.
///
/// Injected from the composition root so that retry, deadline, budget and scheduling rules are testable without
/// waiting: a test's clock can advance on every sleep, or only when the test says.
public protocol TimeSource: Sendable {
    /// Seconds on a clock that never jumps, from an arbitrary fixed point.
    func now() -> Double
    /// Seconds since 1970 on the wall clock, for what other processes and machines compare (published sweeps).
    func wallNow() -> Double
    /// Returns after `seconds` of this clock.
    /// - Throws: `CancellationError` at once when the task is cancelled.
    func sleep(seconds: Double) async throws
}

/// The real time: ``MonotonicClock``, the system's wall clock and `Task.sleep`.
public struct SystemTimeSource: TimeSource {
    /// The system's clocks.
    public init() {}

    public func now() -> Double { MonotonicClock.now() }

    public func wallNow() -> Double { Date().timeIntervalSince1970 }

    /// Sleeps `seconds` (a negative or NaN one not at all; anything beyond a year for a year, never a trap).
    public func sleep(seconds: Double) async throws {
        let seconds = seconds.isNaN ? 0 : min(max(0, seconds), 365 * 86_400)
        try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
    }
}
