import Platform

/// A serial queue for the blocking work on one shared file of the runtime directory (waiting for its `flock`, reading
/// and writing it), so that a stopped lock holder or a slow disk holds none of the cooperative pool's threads. Jobs
/// run one at a time, in order: a `flock` is held per open file, so two threads of this process must never wait on
/// the same descriptor at once.
final class FileQueue: Sendable {
    private let queue = SerialBlockingQueue()

    /// Runs `work` on the queue and returns what it returned, suspending the caller meanwhile.
    func run<T: Sendable>(_ work: @escaping @Sendable () throws(CoordinationError) -> T)
        async throws(CoordinationError) -> T
    {
        try await queue.run(work)
    }
}
