import Synchronization

/// Calls `tick` every `interval` of real time from a task, so runs advance (and webhooks fire) even when nobody
/// polls.
final class Ticker: Sendable {
    private let interval: Duration
    private let tick: @Sendable () -> Void
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(interval: Duration, tick: @escaping @Sendable () -> Void) {
        self.interval = interval
        self.tick = tick
    }

    /// Starts ticking; a second call does nothing.
    func start() {
        task.withLock { task in
            guard task == nil else { return }
            task = Task { [interval, tick] in
                while !Task.isCancelled {
                    tick()
                    do { try await Task.sleep(for: interval) } catch { return }
                }
            }
        }
    }

    /// Ends the loop; a tick under way finishes first.
    func stop() {
        task.withLock { $0?.cancel() }
    }
}
