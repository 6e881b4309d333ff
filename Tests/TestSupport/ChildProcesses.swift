import Foundation
import Synchronization

/// Starts the tests' child processes one at a time.
///
/// Foundation's `Process.run()` on Linux makes a socket pair whose one end the child inherits, and learns that the
/// child exited when that end closes. It closes the child's other inherited descriptors only up to the highest one
/// open when it looks, so a child started by another thread at the same moment could inherit a sibling's end too:
/// the sibling's exit then went unnoticed for as long as the other child lived, and `waitUntilExit()` spun at full
/// CPU (seen in CI: a `duvo sim` left a zombie and `swift test` stopped). With one start at a time, every pair's
/// inherited end is closed in this process before the next child starts. (Pipes are ``ChildPipe``s for the same
/// reason.)
public enum ChildProcesses {
    private static let starting = Mutex(())

    /// Starts `process`, alone.
    public static func run(_ process: Process) throws {
        try starting.withLock { _ in try process.run() }
    }

    /// Starts `process` with no input and its stdout and stderr each drained by a ``PipeReader`` (concurrently, so a
    /// chatty child cannot fill one pipe and block); `onStdout` sees each chunk of stdout as it comes.
    public static func runCapturing(
        _ process: Process, onStdout: @escaping @Sendable ([UInt8]) -> Void = { _ in }
    ) throws -> (stdout: PipeReader, stderr: PipeReader) {
        let out = try ChildPipe(.fromChild)
        let err = try ChildPipe(.fromChild)
        process.standardOutput = out.childEnd
        process.standardError = err.childEnd
        process.standardInput = FileHandle.nullDevice
        try run(process)
        out.closeChildEnd()
        err.closeChildEnd()
        return (PipeReader(out.parentEnd, onChunk: onStdout), PipeReader(err.parentEnd))
    }
}
