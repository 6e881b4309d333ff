/// What ``InlineServeWatch`` decides, apart from its thread and its clock: when to sample, when to report a serve
/// that has run past its patience, when to sleep. Times are in nanoseconds of any monotonic clock.
struct ServeWatchSchedule: Sendable {
    /// How many samples in a row with nothing served before the thread sleeps until the next serve.
    static let idleTicksBeforeSleep = 10

    /// What the watching thread is doing.
    enum Phase: Equatable, Sendable {
        /// No serve has begun yet: there is no thread.
        case notStarted
        /// Sampling every `patience`; `idleTicks` samples in a row found nothing served.
        case watching(idleTicks: Int)
        /// Waiting, without a timer, for the next serve to begin.
        case asleep
        /// The connection has ended; the thread exits.
        case stopped
    }

    /// What the thread does after a sample.
    enum Step: Equatable, Sendable {
        /// Tell the connection that the serve with this token has run past its patience.
        case report(UInt64)
        /// Sample again at this time (or when woken).
        case wait(until: UInt64)
        /// Sleep until a serve begins.
        case sleep
        /// End the thread.
        case exit
    }

    /// What a serve's start asks of the thread.
    enum Wake: Equatable, Sendable {
        /// Nothing: it is sampling already (or stopped).
        case none
        /// Wake it from its sleep.
        case signal
        /// Start it: the first serve.
        case startThread
    }

    /// The serve in progress: its token and when it began.
    struct Serve: Equatable, Sendable {
        let token: UInt64
        let began: UInt64
    }

    /// How long a serve may run before it is reported, and the sampling period.
    let patience: UInt64
    private(set) var phase = Phase.notStarted
    private(set) var serving: Serve?

    init(patience: UInt64) {
        self.patience = max(1, patience)
    }

    /// The serve with `token` began at `now`.
    mutating func began(_ token: UInt64, now: UInt64) -> Wake {
        guard phase != .stopped else { return .none }
        serving = Serve(token: token, began: now)
        switch phase {
        case .notStarted:
            phase = .watching(idleTicks: 0)
            return .startThread
        case .asleep:
            return .signal
        case .watching, .stopped:
            phase = .watching(idleTicks: 0)
            return .none
        }
    }

    /// The serve with `token` ended (whether reported or not).
    mutating func ended(_ token: UInt64) {
        if serving?.token == token { serving = nil }
    }

    /// The thread's sample at `now`: report an overdue serve (once), sample again a period later, or sleep.
    mutating func sample(now: UInt64) -> Step {
        switch phase {
        case .stopped, .notStarted:
            return .exit
        case .asleep:
            // Woken by a serve's start: sample it a period from now.
            phase = .watching(idleTicks: 0)
            return .wait(until: now &+ patience)
        case .watching(let idleTicks):
            guard let serve = serving else {
                guard idleTicks + 1 < Self.idleTicksBeforeSleep else {
                    phase = .asleep
                    return .sleep
                }
                phase = .watching(idleTicks: idleTicks + 1)
                return .wait(until: now &+ patience)
            }
            phase = .watching(idleTicks: 0)
            guard now &- serve.began >= patience else { return .wait(until: serve.began &+ patience) }
            // Reported once: the connection takes it from here.
            serving = nil
            return .report(serve.token)
        }
    }

    /// The connection ended; true when there is a thread to wake so that it exits.
    mutating func stop() -> Bool {
        defer {
            phase = .stopped
            serving = nil
        }
        return phase != .notStarted && phase != .stopped
    }
}
