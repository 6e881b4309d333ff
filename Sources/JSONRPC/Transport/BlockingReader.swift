import Dispatch
import Foundation
import Platform
import Synchronization

/// Reads a file descriptor with blocking read(2) on a dedicated thread, at most one batch ahead of the consumer.
///
/// The thread reads again as soon as it has handed a batch to a waiting consumer, so the next request's bytes find it
/// already in `read(2)`; a batch nobody asked for yet is kept, and the thread waits until it is taken. That bound is
/// what makes back-pressure real: while the connection does not pull, nothing more is read, the pipe fills, and the
/// client's writes block instead of this process buffering without bound. The fd is never made non-blocking (the
/// parent process shares it); if the parent made it so, EAGAIN is waited out with poll(2).
final class BlockingReader: Sendable {
    private let fd: Int32
    private let bufferSize: Int
    private let state = Mutex(State())
    /// Signalled when the consumer takes the batch read ahead (or on ``cancel()``), so the thread may read again.
    private let taken = DispatchSemaphore(value: 0)

    private struct State {
        var waiter: CheckedContinuation<[UInt8]?, Never>?
        /// A batch read before the consumer asked for it.
        var ready: [UInt8]?
        var threadStarted = false
        /// No more reads: end of input, a read error, or ``cancel()``.
        var finished = false
    }

    init(fd: Int32, bufferSize: Int = 64 * 1024) {
        self.fd = fd
        self.bufferSize = bufferSize
    }

    /// The next read batch, or `nil` at end of input, on a read error, or after ``cancel()``.
    func next() async -> [UInt8]? {
        enum Action {
            case answer([UInt8]?), takeReady([UInt8]), startThread, wait
        }
        return await withCheckedContinuation { continuation in
            let action = state.withLock { state -> Action in
                if let ready = state.ready {
                    state.ready = nil
                    return .takeReady(ready)
                }
                if state.finished { return .answer(nil) }
                state.waiter = continuation
                if state.threadStarted { return .wait }
                state.threadStarted = true
                return .startThread
            }
            switch action {
            case .answer(let chunk):
                continuation.resume(returning: chunk)
            case .takeReady(let chunk):
                taken.signal()
                continuation.resume(returning: chunk)
            case .startThread:
                let thread = Thread { [self] in run() }
                thread.name = "jsonrpc-input"
                thread.start()
            case .wait:
                break
            }
        }
    }

    /// Ends the stream now; a read already blocked in the kernel is abandoned (its thread ends when it returns).
    func cancel() {
        let waiter = state.withLock { state in
            state.finished = true
            state.ready = nil
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
        taken.signal()
    }

    private func run() {
        enum Next {
            case readOn, waitUntilTaken, stop
        }
        var buffer = [UInt8](repeating: 0, count: bufferSize)
        while true {
            let chunk = readOnce(into: &buffer)
            let (waiter, next) = state.withLock { state -> (CheckedContinuation<[UInt8]?, Never>?, Next) in
                if state.finished { return (nil, .stop) }
                guard let chunk else {
                    state.finished = true
                    defer { state.waiter = nil }
                    return (state.waiter, .stop)
                }
                guard let waiter = state.waiter else {
                    state.ready = chunk
                    return (nil, .waitUntilTaken)
                }
                state.waiter = nil
                return (waiter, .readOn)
            }
            waiter?.resume(returning: chunk)
            switch next {
            case .stop: return
            case .readOn: continue
            case .waitUntilTaken:
                taken.wait()
                if state.withLock({ $0.finished }) { return }
            }
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
