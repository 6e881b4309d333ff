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
    /// Frames handed to the queue and not yet written: while there are any, no frame is written inline.
    private let queued = Atomic<Int>(0)
    /// Held while writing, so that frames never interleave.
    private let writing = Mutex(())

    init(output: any ByteOutput) {
        self.output = output
    }

    /// Writes `frame` and returns once it is written; `false` when the output is closed (now or before).
    ///
    /// Runs on the caller's executor (the connection's actor): a frame written inline costs no hop off the actor,
    /// and nothing here blocks it (the inline write only takes a free lock and only when the output has room).
    nonisolated(nonsending) func write(_ frame: [UInt8]) async -> Bool {
        guard !closed.load(ordering: .acquiring) else { return false }
        if queued.load(ordering: .acquiring) == 0, output.canWriteWithoutBlocking(frame.count),
           let written = writing.withLockIfAvailable({ _ in writeNow(frame) })
        {
            return written
        }
        queued.add(1, ordering: .acquiringAndReleasing)
        return await queue.run { [self] in
            defer { queued.subtract(1, ordering: .acquiringAndReleasing) }
            return writing.withLock { _ in closed.load(ordering: .acquiring) ? false : writeNow(frame) }
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
        await queue.run {}
    }
}
