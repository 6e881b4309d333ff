/// Sweep coordination with a fallback (see ``FailoverGate``): Redis falling back to the runtime directory's lease
/// (the processes of each machine then elect their own leader until Redis is back), the directory's lease to sweeps
/// of this process alone.
public final class FailoverSweepCoordinator: SweepCoordinator {
    private let coordinators: Failover<any SweepCoordinator>

    /// `primary` while it works, else `fallback`, switching through `gate`.
    public init(primary: any SweepCoordinator, fallback: any SweepCoordinator, gate: FailoverGate) {
        coordinators = Failover(primary: primary, fallback: fallback, gate: gate,
                                labels: (primary.label, fallback.label))
    }

    public var label: String { coordinators.primary.label }

    public func acquireOrRenew(lifetime: Double) async throws(CoordinationError) -> Bool {
        try await coordinators.route { coordinator throws(CoordinationError) in
            try await coordinator.acquireOrRenew(lifetime: lifetime)
        }
    }

    public func release() async throws(CoordinationError) {
        try await coordinators.route { coordinator throws(CoordinationError) in try await coordinator.release() }
    }

    public func publish(_ snapshot: SweepSnapshot) async throws(CoordinationError) {
        try await coordinators.route { coordinator throws(CoordinationError) in
            try await coordinator.publish(snapshot)
        }
    }

    public func latest() async throws(CoordinationError) -> SweepSnapshot? {
        try await coordinators.route { coordinator throws(CoordinationError) in try await coordinator.latest() }
    }
}
