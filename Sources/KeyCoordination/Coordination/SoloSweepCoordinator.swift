/// Sweeps for this process alone, as with `--coordination off`: the fallback while the runtime directory's lease
/// cannot be used (a full disk, a lock held too long), so that follows go on being swept rather than waiting for a
/// leader that cannot be elected.
package final class SoloSweepCoordinator: SweepCoordinator {
    package init() {}

    package var label: String { "sweeps of this process alone" }

    package func acquireOrRenew(lifetime: Double) -> Bool { true }

    package func release() {}

    package func publish(_ snapshot: SweepSnapshot) {}

    package func latest() -> SweepSnapshot? { nil }
}
