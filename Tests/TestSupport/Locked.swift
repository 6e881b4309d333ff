import Synchronization

/// A value behind a lock, shareable by reference between threads and closures (a `Mutex` cannot be captured).
public final class Locked<Value>: Sendable {
    private let mutex: Mutex<Value>

    /// A lock around `value`.
    public init(_ value: sending Value) {
        mutex = Mutex(value)
    }

    /// Runs `body` with exclusive access to the value.
    public func withLock<Result>(_ body: (inout sending Value) throws -> sending Result) rethrows -> sending Result {
        try mutex.withLock(body)
    }
}
