import Platform
import Synchronization

/// Writes frames one at a time, in the order they were handed over.
///
/// A frame goes out on the caller's thread when nothing is queued before it and the output says it will take the
/// frame without blocking (a small frame into a pipe with room). Anything else is written in order on the
/// ``BlockingExecutor``, outside Swift's cooperative pool, so a blocking write to a slow client never starves the
/// tasks serving other requests.
final class FrameWriter: Sendable {
    private let output: any ByteOutput
    private let queue = SerialBlockingQueue()
    private let closed = Atomic<Bool>(false)
    /// Frames handed to the queue and not yet written; held while writing, so frames never interleave or reorder.
    private let queued = Mutex<Int>(0)

    init(output: any ByteOutput) {
        self.output = output
    }

    /// Writes `frame` and returns once it is written; `false` when the output is closed (now or before).
    ///
    /// Runs on the caller's executor (the connection's actor): a frame written inline costs no hop off the actor.
    nonisolated(nonsending) func write(_ frame: [UInt8]) async -> Bool {
        guard !closed.load(ordering: .acquiring) else { return false }
        // Only if the lock is free: a queued write holding it may be blocked on a slow reader.
        let inline: Bool?? = queued.withLockIfAvailable { pending in
            guard pending == 0, output.canWriteWithoutBlocking(frame.count) else { return nil }
            return writeNow(frame)
        }
        if let inline = inline ?? nil { return inline }
        queued.withLock { $0 += 1 }
        return await withCheckedContinuation { continuation in
            queue.submit { [self] in
                let written = queued.withLock { pending in
                    defer { pending -= 1 }
                    return closed.load(ordering: .acquiring) ? false : writeNow(frame)
                }
                continuation.resume(returning: written)
            }
        }
    }

    /// Writes one frame; marks the output closed when the reader has gone.
    private func writeNow(_ frame: [UInt8]) -> Bool {
        do {
            try output.write(frame)
            return true
        } catch {
            closed.store(true, ordering: .releasing)
            return false
        }
    }

    /// Returns once every frame handed over before the call has been written (or dropped).
    func flush() async {
        await withCheckedContinuation { continuation in
            queue.submit { continuation.resume() }
        }
    }
}
