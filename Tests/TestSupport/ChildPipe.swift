#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A pipe for one standard stream of a child process, made close-on-exec (`pipe2(O_CLOEXEC)`): only the child it is
/// given to gets a copy.
///
/// Foundation's `Process` on Linux leaves inherited descriptors open in the child, and `Pipe()` is inheritable, so a
/// child that another test spawned at the same moment kept a copy of a sibling's stdout: that pipe never reached end
/// of file, the test reading it to the end waited for ever, and with both threads of the cooperative pool waiting so,
/// the whole `swift test` stopped (seen in CI).
public final class ChildPipe: Sendable {
    /// Which way the bytes go.
    public enum Direction: Sendable {
        /// The child writes (its stdout or stderr), this process reads.
        case fromChild
        /// This process writes, the child reads (its stdin).
        case toChild
    }

    /// The end to give the child (`process.standardOutput = pipe.childEnd`); close it with ``closeChildEnd()`` once
    /// the child runs.
    public let childEnd: FileHandle
    /// The end this process reads (``Direction/fromChild``) or writes (``Direction/toChild``).
    public let parentEnd: FileHandle

    /// A new pipe; both ends close-on-exec (the child's copy of its end is made by `dup2`, which keeps it open).
    public init(_ direction: Direction) throws {
        let fds = try Self.closeOnExecPipe()
        let reading = FileHandle(fileDescriptor: fds[0], closeOnDealloc: true)
        let writing = FileHandle(fileDescriptor: fds[1], closeOnDealloc: true)
        switch direction {
        case .fromChild: (childEnd, parentEnd) = (writing, reading)
        case .toChild: (childEnd, parentEnd) = (reading, writing)
        }
    }

    /// A pipe whose two ends are close-on-exec from the start (no window in which a child spawned by another thread
    /// could inherit them): `[read, write]`.
    public static func closeOnExecPipe() throws -> [Int32] {
        var fds: [Int32] = [-1, -1]
        #if canImport(Glibc)
            // pipe2 is not in Swift's Glibc module (it needs _GNU_SOURCE); glibc exports it all the same.
            typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pipe2") else {
                throw POSIXError(.ENOSYS)
            }
            let pipe2 = unsafeBitCast(symbol, to: Pipe2.self)
            guard pipe2(&fds, O_CLOEXEC) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        #else
            guard pipe(&fds) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        #endif
        return fds
    }

    /// Closes this process's copy of the child's end, so that the child's exit (or its closing the stream) is seen as
    /// end of file or a broken pipe. Call it once the child has started (``ChildProcesses/run(_:)``).
    public func closeChildEnd() {
        try? childEnd.close()
    }
}
