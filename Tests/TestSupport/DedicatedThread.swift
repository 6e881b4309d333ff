import Foundation

/// Runs blocking work (waiting for a child process, a blocking read) on a thread of its own and awaits its result.
///
/// A blocking call made straight from an async test holds one of the cooperative pool's threads for as long as it
/// waits: two threads on a 2-core machine, shared by every suite of the one `swift test`, so two such waits stall
/// every other test's tasks for their whole length.
public func onDedicatedThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}
