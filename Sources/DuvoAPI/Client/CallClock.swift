/// The clock a call's deadline and back-offs run on, injected so retry and deadline rules are testable without
/// waiting (a test's clock can advance on every sleep).
public protocol CallClock: Sendable {
    /// Seconds on a clock that never jumps.
    func now() -> Double
    /// Waits `seconds`.
    /// - Throws: `CancellationError` when the task is cancelled.
    func sleep(seconds: Double) async throws
}

/// The real clock: ``MonotonicClock`` and `Task.sleep`.
public struct SystemCallClock: CallClock {
    /// The system clock.
    public init() {}

    public func now() -> Double { MonotonicClock.now() }

    public func sleep(seconds: Double) async throws {
        try await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1e9))
    }
}
