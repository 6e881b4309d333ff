import Platform

/// Seconds on a clock that never jumps (unlike the wall clock), for budgets, intervals and ages.
public enum MonotonicClock {
    /// Seconds since an arbitrary fixed point.
    public static func now() -> Double {
        Platform.monotonicSeconds()
    }
}
