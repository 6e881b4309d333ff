import Foundation

/// Runs blocking work (a `flock` wait, a child's first line, a child's exit) on a thread of its own.
///
/// Not on the calling task's thread: the cooperative pool has as many threads as cores (two on a small machine) and,
/// on Linux, shares them with Dispatch's global queues. `duvo` runs its commands inside larger processes too (the
/// test suite runs them in process), where a wait of seconds on a pool thread would stall every other task.
enum BlockingWork {
    /// Runs `body` on a new thread and returns (or throws) what it did.
    static func run<T: Sendable, E: Error>(_ body: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            Thread {
                do throws(E) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }.start()
        }
        return try result.get()
    }
}
