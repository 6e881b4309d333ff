import Platform

/// Seconds on a clock that never jumps (unlike the wall clock), for budgets, intervals and ages.
package enum MonotonicClock {
    /// Seconds since an arbitrary fixed point.
    package static func now() -> Double {
        Platform.monotonicSeconds()
    }
}
