/// Where a key's shared ``BudgetLedger`` lives: in this process, in a file of the runtime directory, or in Redis.
///
/// Every operation is atomic with respect to every other participant of the same store. A store that cannot reach
/// its medium throws ``CoordinationError``; ``RateBudget`` then carries on with a local ledger (see
/// ``FailoverBudgetStore``).
package protocol BudgetStore: Sendable {
    /// Applies ``BudgetLedger/attempt(_:now:)`` on the store's clock.
    func attempt(_ request: SlotRequest) async throws(CoordinationError) -> SlotDecision
    /// Applies ``BudgetLedger/penalize(seconds:now:)``.
    func penalize(seconds: Double) async throws(CoordinationError)
    /// Applies ``BudgetLedger/noteStatusNews(now:)``.
    func noteStatusNews() async throws(CoordinationError)
    /// Applies ``BudgetLedger/leave(_:)``.
    func leave(_ participant: String) async throws(CoordinationError)
    /// Requests in the current window, every participant's together.
    func usedInWindow() async throws(CoordinationError) -> Int
    /// What the store is, for logs (never a secret).
    var label: String { get }
}
