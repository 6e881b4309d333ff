import Synchronization

/// A flag one side sets once and a loop on another thread reads: how a subscription tells its loop to end.
final class StopFlag: Sendable {
    private let value = Atomic(false)

    /// Whether ``set()`` was called.
    var isSet: Bool { value.load(ordering: .acquiring) }

    /// Asks the loop to end.
    func set() { value.store(true, ordering: .releasing) }
}
