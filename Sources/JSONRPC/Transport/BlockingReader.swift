import Dispatch
import Foundation
import Platform
import Synchronization

/// Reads a file descriptor with blocking read(2) on a dedicated thread, one batch per request from the consumer.
///
/// Reading only on demand is what makes back-pressure real: while the connection does not pull, nothing is read, the
/// pipe fills, and the client's writes block instead of this process buffering without bound. The fd is never made
/// non-blocking (the parent process shares it); if the parent made it so, EAGAIN is waited out with poll(2).
final class BlockingReader: Sendable {
    private let fd: Int32
    private let bufferSize: Int
    private let state = Mutex(State())
    private let demand = DispatchSemaphore(value: 0)

    private struct State {
        var waiter: CheckedContinuation<[UInt8]?, Never>?
        var threadStarted = false
        var finished = false
    }

    private enum Action {
        case finish, startThread, signal
    }

    init(fd: Int32, bufferSize: Int = 64 * 1024) {
        self.fd = fd
        self.bufferSize = bufferSize
    }

    /// The next read batch, or `nil` at end of input, on a read error, or after ``cancel()``.
    func next() async -> [UInt8]? {
        await withCheckedContinuation { continuation in
            let action = state.withLock { state -> Action in
                if state.finished { return .finish }
                state.waiter = continuation
                if state.threadStarted { return .signal }
                state.threadStarted = true
                return .startThread
            }
            switch action {
            case .finish:
                continuation.resume(returning: nil)
            case .startThread:
                let thread = Thread { [self] in run() }
                thread.name = "jsonrpc-input"
                thread.start()
                demand.signal()
            case .signal:
                demand.signal()
            }
        }
    }

    /// Ends the stream now; a read already blocked in the kernel is abandoned (its thread ends when it returns).
    func cancel() {
        let waiter = state.withLock { state in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
        demand.signal()
    }

    private func run() {
        var buffer = [UInt8](repeating: 0, count: bufferSize)
        while true {
            demand.wait()
            if state.withLock({ $0.finished }) { return }
            let chunk = readOnce(into: &buffer)
            let waiter = state.withLock { state in
                if chunk == nil { state.finished = true }
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: chunk)
            if chunk == nil { return }
        }
    }

    /// One read(2): the bytes read, or `nil` at end of input or on an error other than EINTR/EAGAIN.
    private func readOnce(into buffer: inout [UInt8]) -> [UInt8]? {
        while true {
            let count = buffer.withUnsafeMutableBytes { raw in Platform.read(fd: fd, into: raw) }
            if count > 0 { return Array(buffer[0..<count]) }
            if count == 0 { return nil }
            if Platform.lastError == Platform.ErrorCode.interrupted { continue }
            guard Platform.lastErrorIsWouldBlock else { return nil }
            waitUntilReady(fd, events: .readable)
        }
    }
}

/// Blocks until `fd` is ready for `events` (for descriptors a parent left non-blocking).
func waitUntilReady(_ fd: Int32, events: Platform.PollEvents) {
    _ = Platform.poll(fd, for: events, timeoutMilliseconds: -1)
}
