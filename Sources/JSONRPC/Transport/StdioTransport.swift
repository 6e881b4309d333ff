import Platform

/// The process's stdin and stdout as a JSON-RPC transport.
///
/// Input is read on a dedicated thread with blocking read(2) in batches of up to 64 KiB, only as fast as the
/// connection pulls. Output is written with write(2), looping over partial writes and EINTR; EPIPE (the client closed
/// its end) throws ``TransportError/closed``. SIGPIPE is ignored so that a closed pipe is an error, not a death.
public final class StdioTransport: ByteInput, ByteOutput {
    /// The descriptor frames are read from.
    public let inputFD: Int32
    /// The descriptor frames are written to.
    public let outputFD: Int32

    /// A transport over the given descriptors (pipes in tests); ignores SIGPIPE for the whole process.
    public init(inputFD: Int32, outputFD: Int32) {
        self.inputFD = inputFD
        self.outputFD = outputFD
        Platform.ignoreBrokenPipe()
    }

    /// The transport for `duvo rpc`: reads fd 0, and writes frames to a private duplicate of the real stdout.
    ///
    /// - Important: Call it once, before anything is printed. It points fd 1 at stderr, so that a stray `print`
    ///   from any library lands in the log rather than in the middle of a frame. The duplicate is close-on-exec, so
    ///   child processes never inherit the protocol pipe.
    public static func takingOverStandardStreams() -> StdioTransport {
        Platform.flushStandardIO()
        let frames = Platform.duplicateCloseOnExec(1, minimum: 3)
        guard frames >= 0 else { return StdioTransport(inputFD: 0, outputFD: 1) }
        Platform.duplicate(2, onto: 1)
        return StdioTransport(inputFD: 0, outputFD: frames)
    }

    /// The input's read batches, read only while the stream is pulled; cancelling the consumer ends the stream.
    public func chunks() -> AsyncStream<[UInt8]> {
        let reader = BlockingReader(fd: inputFD)
        return AsyncStream(unfolding: { await reader.next() }, onCancel: { reader.cancel() })
    }

    /// Writes all of `bytes` to the output descriptor, waiting out EINTR, partial writes and EAGAIN.
    /// - Throws: ``TransportError/closed`` on EPIPE, ``TransportError/writeFailed(errno:)`` on other failures.
    public func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in systemWrite(outputFD, raw.baseAddress, offset, raw.count) }
            if written > 0 {
                offset += written
                continue
            }
            if written == 0 { throw TransportError.writeFailed(errno: Platform.ErrorCode.inputOutput) }
            let code = Platform.lastError
            if code == Platform.ErrorCode.interrupted { continue }
            if Platform.lastErrorIsWouldBlock {
                waitUntilReady(outputFD, events: .writable)
                continue
            }
            if code == Platform.ErrorCode.brokenPipe { throw TransportError.closed }
            throw TransportError.writeFailed(errno: code)
        }
    }
}

extension StdioTransport {
    /// True when the output is a pipe or socket with room for `count` bytes now: POSIX guarantees a pipe that polls
    /// writable takes a write of up to `PIPE_BUF` bytes whole, without blocking.
    public func canWriteWithoutBlocking(_ count: Int) -> Bool {
        guard count <= Platform.pipeAtomicWrite else { return false }
        let poll = Platform.poll(outputFD, for: .writable, timeoutMilliseconds: 0)
        return poll.count == 1 && poll.returned.contains(.writable)
    }
}

/// write(2), named apart from ``StdioTransport/write(_:)``.
private func systemWrite(_ fd: Int32, _ base: UnsafeRawPointer?, _ offset: Int, _ count: Int) -> Int {
    guard let base else { return 0 }
    return Platform.write(fd: fd, UnsafeRawBufferPointer(start: base + offset, count: count - offset))
}
