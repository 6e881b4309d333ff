#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Reads everything a child process writes to one pipe on a dedicated thread (blocking read(2), never
/// `readabilityHandler`, which loses data on Linux), handing each chunk to `onChunk` and keeping a copy.
public final class PipeReader: Sendable {
    private let collected = Locked<[UInt8]>([])
    private let finished = Locked<Bool>(false)
    private let done = DispatchSemaphore(value: 0)

    /// Starts reading `handle` until end of file; the reader keeps `handle` (and so its descriptor) open meanwhile.
    public init(_ handle: FileHandle, onChunk: @escaping @Sendable ([UInt8]) -> Void = { _ in }) {
        let fd = handle.fileDescriptor
        let thread = Thread { [collected, finished, done, handle] in
            // Held for the loop's whole life: a handle freed meanwhile would close `fd` under it (or hand its number
            // to another file).
            defer { withExtendedLifetime(handle) {} }
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                let chunk = Array(buffer[0..<count])
                collected.withLock { $0 += chunk }
                onChunk(chunk)
            }
            finished.withLock { $0 = true }
            done.signal()
        }
        thread.start()
    }

    /// Everything read so far.
    public var bytes: [UInt8] { collected.withLock { $0 } }
    /// Everything read so far, as text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Waits until end of file (or `timeout` seconds); returns whether it was reached.
    @discardableResult
    public func waitForEnd(timeout: Double = 30) -> Bool {
        if finished.withLock({ $0 }) { return true }
        return done.wait(timeout: .now() + timeout) == .success
    }
}
