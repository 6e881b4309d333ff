/// Sweep coordination with a fallback (see ``FailoverGate``): Redis falling back to the runtime directory's lease
/// (the processes of each machine then elect their own leader until Redis is back), the directory's lease to sweeps
/// of this process alone.
package final class FailoverSweepCoordinator: SweepCoordinator {
    private let coordinators: Failover<any SweepCoordinator>

    /// `primary` while it works, else `fallback`, switching through `gate`.
    package init(primary: any SweepCoordinator, fallback: any SweepCoordinator, gate: FailoverGate) {
        coordinators = Failover(primary: primary, fallback: fallback, gate: gate,
                                labels: (primary.label, fallback.label))
    }

    package var label: String { coordinators.primary.label }

    package func acquireOrRenew(lifetime: Double) async throws(CoordinationError) -> Bool {
        try await coordinators.route { coordinator throws(CoordinationError) in
            try await coordinator.acquireOrRenew(lifetime: lifetime)
        }
    }

    package func release() async throws(CoordinationError) {
        try await coordinators.route { coordinator throws(CoordinationError) in try await coordinator.release() }
    }

    package func publish(_ snapshot: SweepSnapshot) async throws(CoordinationError) {
        try await coordinators.route { coordinator throws(CoordinationError) in
            try await coordinator.publish(snapshot)
        }
    }

    package func latest() async throws(CoordinationError) -> SweepSnapshot? {
        try await coordinators.route { coordinator throws(CoordinationError) in try await coordinator.latest() }
    }
}
