import Dispatch

/// A serial queue for the blocking work on one shared file of the runtime directory (waiting for its `flock`, reading
/// and writing it), so that a stopped lock holder or a slow disk holds none of the cooperative pool's threads.
final class FileQueue: Sendable {
    private let queue: DispatchQueue

    /// A queue named after `label` (for debuggers; never a secret).
    init(label: String) {
        queue = DispatchQueue(label: "duvo.file." + label)
    }

    /// Runs `work` on the queue and returns what it returned, suspending the caller meanwhile.
    func run<T: Sendable>(_ work: @escaping @Sendable () throws(CoordinationError) -> T)
        async throws(CoordinationError) -> T
    {
        let result: Result<T, CoordinationError> = await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: Result { () throws(CoordinationError) in try work() }) }
        }
        return try result.get()
    }
}
