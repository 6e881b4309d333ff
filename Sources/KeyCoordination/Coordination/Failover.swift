/// A primary and a fallback of the same kind (budget stores, sweep coordinators) and the gate that picks between them.
package struct Failover<Target: Sendable>: Sendable {
    /// What is used while it works.
    package let primary: Target
    /// What is used while the primary is unreachable.
    package let fallback: Target
    private let gate: FailoverGate
    private let labels: (primary: String, fallback: String)

    /// `primary` while it works, else `fallback`; `labels` name them in the log lines (never secrets).
    package init(primary: Target, fallback: Target, gate: FailoverGate, labels: (primary: String, fallback: String)) {
        self.primary = primary
        self.fallback = fallback
        self.gate = gate
        self.labels = labels
    }

    /// Runs `operation` on the primary or the fallback, as the gate decides.
    package func route<T>(_ operation: (Target) async throws(CoordinationError) -> T) async throws(CoordinationError)
        -> T
    {
        try await gate.run(primaryLabel: labels.primary, fallbackLabel: labels.fallback,
                           primary: { () throws(CoordinationError) in try await operation(primary) },
                           fallback: { () throws(CoordinationError) in try await operation(fallback) })
    }
}
