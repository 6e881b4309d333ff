import Foundation
import Synchronization

/// Calls `tick` every `interval` real seconds on its own thread, so runs advance (and webhooks fire) even when
/// nobody polls.
final class Ticker: Sendable {
    private let stopped = Atomic<Bool>(false)
    private let interval: Double
    private let tick: @Sendable () -> Void

    init(interval: Double, tick: @escaping @Sendable () -> Void) {
        self.interval = interval
        self.tick = tick
    }

    func start() {
        let thread = Thread { [self] in
            while !stopped.load(ordering: .acquiring) {
                tick()
                Thread.sleep(forTimeInterval: interval)
            }
        }
        thread.name = "sim-ticker"
        thread.start()
    }

    /// Ends the loop after the current tick.
    func stop() {
        stopped.store(true, ordering: .releasing)
    }
}
