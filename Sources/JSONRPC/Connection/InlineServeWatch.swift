import Dispatch
import Foundation
import Synchronization

/// Watches the request the reader serves itself, and reports it once it has run longer than its patience: the
/// reader then hands reading over to a new task, so that what arrives meanwhile (another request, a cancellation)
/// is read.
///
/// Why a watch and not a new reading task for every request: starting a task wakes a second thread, and on a small
/// machine that wake-up was a third of a quick call's latency. A serve's start and end only take a lock; the thread
/// samples on a timer while serves come and go and sleeps once they stop (see ``ServeWatchSchedule``), so a stream of
/// quick calls costs no wake-up per call and an idle connection none at all. A serve is reported between its patience
/// and twice that after it began.
final class InlineServeWatch: Sendable {
    private let shared: Shared

    private final class Shared: Sendable {
        let schedule: Mutex<ServeWatchSchedule>
        let overdue: @Sendable (UInt64) -> Void
        let signal = DispatchSemaphore(value: 0)

        init(patience: UInt64, overdue: @escaping @Sendable (UInt64) -> Void) {
            schedule = Mutex(ServeWatchSchedule(patience: patience))
            self.overdue = overdue
        }

        func run() {
            while true {
                let now = DispatchTime.now().uptimeNanoseconds
                switch schedule.withLock({ $0.sample(now: now) }) {
                case .report(let token): overdue(token)
                case .wait(let deadline): _ = signal.wait(timeout: DispatchTime(uptimeNanoseconds: deadline))
                case .sleep: signal.wait()
                case .exit: return
                }
            }
        }
    }

    /// A watch that calls `overdue` with a serve's token, on its own thread, once that serve has run `patience`.
    init(patience: Duration, overdue: @escaping @Sendable (UInt64) -> Void) {
        let (seconds, attoseconds) = patience.components
        let nanoseconds = UInt64(clamping: seconds) &* 1_000_000_000 &+ UInt64(clamping: attoseconds / 1_000_000_000)
        shared = Shared(patience: nanoseconds, overdue: overdue)
    }

    /// The reader began serving the job with `token` itself.
    func began(_ token: UInt64) {
        let now = DispatchTime.now().uptimeNanoseconds
        switch shared.schedule.withLock({ $0.began(token, now: now) }) {
        case .none: break
        case .signal: shared.signal.signal()
        case .startThread:
            let thread = Thread { [shared] in shared.run() }
            thread.name = "jsonrpc-watch"
            thread.stackSize = 128 << 10
            thread.start()
        }
    }

    /// The serve with `token` ended (reported or not).
    func ended(_ token: UInt64) {
        shared.schedule.withLock { $0.ended(token) }
    }

    /// Ends the thread; a serve not reported yet never will be.
    func stop() {
        if shared.schedule.withLock({ $0.stop() }) { shared.signal.signal() }
    }
}
