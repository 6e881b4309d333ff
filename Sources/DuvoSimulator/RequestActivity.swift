import Synchronization

/// When the simulator last received a request, so a background simulator can stop itself once nobody uses it.
final class RequestActivity: Sendable {
    private let last = Mutex(ContinuousClock.now)

    /// Notes a request arriving now.
    func touch() {
        last.withLock { $0 = .now }
    }

    /// The time since the last request (or since start, before any request).
    var idle: Duration {
        ContinuousClock.now - last.withLock { $0 }
    }
}
