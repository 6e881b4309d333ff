import DuvoAPI
import JSONCore

/// What the team-wide sweeps know: when the next is due, the newest `updated_at` seen, the one under way.
struct SweepState {
    /// One sweep under way: its pages so far and what they listed.
    struct Pass {
        let ticket: UInt64
        /// The sweep's number (sweeps started before it).
        let number: Int
        /// The newest `updated_at` the previous sweeps saw: this one lists down to it.
        let floor: Double?
        var pages = 0
        var offset = 0
        var newest: Double?
        var oldestListed: Double?
        /// Every run the pages listed, for the processes that share this sweep.
        var listed: [Run] = []
        /// Whether this is a reader's own catch-up after it missed publications (see
        /// ``PollCore/catchUp(now:effects:)``): nothing to publish, and the publications keep the floor.
        var catchUp = false
    }

    var nextDue: Double = 0
    /// When the latest sweep started (monotonic seconds).
    var lastStartedAt = -Double.infinity
    /// When the earliest event announcing an end came that no sweep started since answers (this process sweeps
    /// sooner for it: see ``PollCore/sweepSoon(now:)``).
    var hintedAt: Double?
    var current: Pass?
    /// The newest `updated_at` (seconds since the epoch) any sweep listed: the server's clock had reached it.
    var highWater: Double?
    /// Sweeps failed in a row (after the client's own retries).
    var failures = 0
    /// The pause after the last sweep (0 before the first).
    var interval: Double = 0
    /// Sweeps started so far; a sweep's number is the count before it started.
    var started = 0
    /// The number of the latest sweep completed (this process's own, or a publication taken in); -1 before any.
    var completed = -1
    /// Whether sweeps go on below the threshold of runs (see ``PollCore/stickySweeps``), until nothing is watched.
    var engaged = false
    /// Every run (watched or not) the sweeps listed lately, as listed and when: such a run certainly exists.
    var recentlyListed: [String: (at: Double, run: Run)] = [:]
}
