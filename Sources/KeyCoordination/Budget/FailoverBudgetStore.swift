/// A shared store with a fallback: Redis falling back to the runtime directory's file, the file to this process.
///
/// While the primary is unreachable every operation goes to the fallback (see ``FailoverGate``), so requests keep
/// flowing within the limit as the fallback knows it; once the primary answers again it is used again.
package final class FailoverBudgetStore: BudgetStore {
    private let stores: Failover<any BudgetStore>

    /// `primary` while it works, else `fallback`, switching through `gate`.
    package init(primary: any BudgetStore, fallback: any BudgetStore, gate: FailoverGate) {
        stores = Failover(primary: primary, fallback: fallback, gate: gate, labels: (primary.label, fallback.label))
    }

    package var label: String { stores.primary.label }

    package func attempt(_ request: SlotRequest) async throws(CoordinationError) -> SlotDecision {
        try await stores.route { store throws(CoordinationError) in try await store.attempt(request) }
    }

    package func penalize(seconds: Double) async throws(CoordinationError) {
        try await stores.route { store throws(CoordinationError) in try await store.penalize(seconds: seconds) }
    }

    package func noteStatusNews() async throws(CoordinationError) {
        try await stores.route { store throws(CoordinationError) in try await store.noteStatusNews() }
    }

    package func leave(_ participant: String) async throws(CoordinationError) {
        try await stores.route { store throws(CoordinationError) in try await store.leave(participant) }
    }

    package func usedInWindow() async throws(CoordinationError) -> Int {
        try await stores.route { store throws(CoordinationError) in try await store.usedInWindow() }
    }
}
