import Synchronization
import Time

/// A ledger for this process alone (`--coordination off`, and the fallback when shared coordination fails).
package final class LocalBudgetStore: BudgetStore {
    private let ledger = Mutex(BudgetLedger())
    private let clock: any TimeSource

    /// A ledger read on `clock` (a manual clock in tests).
    package init(clock: any TimeSource = SystemTimeSource()) {
        self.clock = clock
    }

    package var label: String { "this process" }

    package func attempt(_ request: SlotRequest) -> SlotDecision {
        let now = clock.now()
        return ledger.withLock { $0.attempt(request, now: now) }
    }

    package func penalize(seconds: Double) {
        let now = clock.now()
        ledger.withLock { $0.penalize(seconds: seconds, now: now) }
    }

    package func noteStatusNews() {
        let now = clock.now()
        ledger.withLock { $0.noteStatusNews(now: now) }
    }

    package func leave(_ participant: String) {
        ledger.withLock { $0.leave(participant) }
    }

    package func usedInWindow() -> Int {
        let now = clock.now()
        return ledger.withLock { $0.used(now: now) }
    }
}
