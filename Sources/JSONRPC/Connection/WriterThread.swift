import Foundation
import Synchronization

/// A serial queue of work run by one dedicated thread, for blocking writes that must stay off shared thread pools.
///
/// The thread ends once the queue is released and its remaining work is done.
final class WriterThread: Sendable {
    private let shared = Shared()

    /// What the thread and the queue share: the work and whether the queue is gone.
    private final class Shared: Sendable {
        let state = Mutex<(work: [@Sendable () -> Void], released: Bool)>(([], false))
        let signal = DispatchSemaphore(value: 0)

        /// The next work, or nil once the queue is released and drained.
        func next() -> (@Sendable () -> Void)?? {
            state.withLock { state in
                if !state.work.isEmpty { return .some(state.work.removeFirst()) }
                return state.released ? nil : .some(nil)
            }
        }
    }

    /// Starts the thread.
    init(name: String) {
        let thread = Thread { [shared] in
            while true {
                shared.signal.wait()
                guard let work = shared.next() else { return }
                work?()
            }
        }
        thread.name = name
        thread.stackSize = 256 << 10
        thread.start()
    }

    deinit {
        shared.state.withLock { $0.released = true }
        shared.signal.signal()
    }

    /// Runs `work` after everything handed over before it.
    func async(_ work: @escaping @Sendable () -> Void) {
        shared.state.withLock { $0.work.append(work) }
        shared.signal.signal()
    }
}
