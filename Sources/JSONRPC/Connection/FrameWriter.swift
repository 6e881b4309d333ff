import Dispatch
import Synchronization

/// Writes frames one at a time, in the order they were handed over, on a serial queue outside Swift's cooperative
/// pool (a blocking write to a slow client must not starve the tasks serving other requests).
final class FrameWriter: Sendable {
    private let output: any ByteOutput
    private let queue = DispatchQueue(label: "jsonrpc.output")
    private let closed = Atomic<Bool>(false)

    init(output: any ByteOutput) {
        self.output = output
    }

    /// Writes `frame` and returns once it is written; `false` when the output is closed (now or before).
    func write(_ frame: [UInt8]) async -> Bool {
        guard !closed.load(ordering: .acquiring) else { return false }
        return await withCheckedContinuation { continuation in
            queue.async { [self] in
                guard !closed.load(ordering: .acquiring) else {
                    continuation.resume(returning: false)
                    return
                }
                do {
                    try output.write(frame)
                    continuation.resume(returning: true)
                } catch {
                    closed.store(true, ordering: .releasing)
                    continuation.resume(returning: false)
                }
            }
        }
    }

    /// Returns once every frame handed over before the call has been written (or dropped).
    func flush() async {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume() }
        }
    }
}
