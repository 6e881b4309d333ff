/// Sweeps for this process alone, as with `--coordination off`: the fallback while the runtime directory's lease
/// cannot be used (a full disk, a lock held too long), so that follows go on being swept rather than waiting for a
/// leader that cannot be elected.
public final class SoloSweepCoordinator: SweepCoordinator {
    public init() {}

    public var label: String { "sweeps of this process alone" }

    public func acquireOrRenew(lifetime: Double) -> Bool { true }

    public func release() {}

    public func publish(_ snapshot: SweepSnapshot) {}

    public func latest() -> SweepSnapshot? { nil }
}
