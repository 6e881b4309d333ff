import Foundation
import JSONCore
import JSONRPC

/// A `duvo rpc` child process driven over real pipes, as an editor or script would drive it.
///
/// Frames written by the child are kept in a ``FrameLog``; the typed helpers (``RPCPeer/call(_:_:timeout:)`` and
/// the rest) are shared with the in-memory server of the tests.
public final class RPCProcess: RPCPeer {
    /// How frames are delimited on the pipe.
    public enum Wire: Sendable {
        case ndjson
        case contentLength
    }

    /// A JSON-RPC error answer, thrown by ``call(_:_:timeout:)``.
    public typealias ErrorAnswer = RPCErrorAnswer

    private let process: Locked<Process>
    private let input: FileHandle
    /// What the child wrote on stdout, frame by frame.
    public let log: FrameLog
    private let stdoutReader: PipeReader
    /// Everything the child wrote to stderr.
    public let stderr: PipeReader
    /// The framing this side writes in.
    public let wire: Wire

    /// Starts `duvo` with `arguments` (e.g. `["rpc", "--simulate"]`).
    /// - Parameter environment: the child's whole environment (defaults to this process's, minus any DUVO_ settings).
    public init(arguments: [String], environment: [String: String]? = nil, wire: Wire = .ndjson) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: DuvoBinary.path)
        process.arguments = arguments
        process.environment = environment ?? Self.cleanEnvironment()
        let stdin = try ChildPipe(.toChild), stdout = try ChildPipe(.fromChild), stderr = try ChildPipe(.fromChild)
        process.standardInput = stdin.childEnd
        process.standardOutput = stdout.childEnd
        process.standardError = stderr.childEnd
        let log = FrameLog(framing: wire == .ndjson ? .newlineDelimited : .contentLength)
        self.log = log
        self.wire = wire
        stdoutReader = PipeReader(stdout.parentEnd) { chunk in log.append(bytes: chunk) }
        self.stderr = PipeReader(stderr.parentEnd)
        input = stdin.parentEnd
        try ChildProcesses.run(process)
        for pipe in [stdin, stdout, stderr] { pipe.closeChildEnd() }
        self.process = Locked(process)
    }

    /// This process's environment without `DUVO_*` variables, so a developer's settings cannot leak into tests.
    public static func cleanEnvironment(adding extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("DUVO_") || $0.key == "DUVO_BIN" }
        environment["NO_COLOR"] = "1"
        for (key, value) in extra { environment[key] = value }
        return environment
    }

    /// Writes one message in this side's framing.
    public func send(_ message: JSONValue) {
        let payload = JSONWriter().bytes(message)
        sendRaw(wire == .ndjson ? payload + [0x0A] : Array("Content-Length: \(payload.count)\r\n\r\n".utf8) + payload)
    }

    /// Writes raw bytes, framing and all (for malformed-input tests).
    public func sendRaw(_ bytes: [UInt8]) {
        try? input.write(contentsOf: Data(bytes))
    }

    /// The child's stderr so far.
    public var diagnostics: String { stderr.text }

    /// Everything written to stdout, raw.
    public var stdoutText: String { stdoutReader.text }

    /// Closes the child's stdin (end of input).
    public func closeInput() {
        try? input.close()
    }

    /// The child's process id (for reading its `/proc` entries).
    public var pid: Int32 { process.withLock { $0.processIdentifier } }

    /// Sends a signal to the child (SIGTERM by default).
    public func signal(_ number: Int32 = SIGTERM) {
        kill(pid, number)
    }

    /// Waits for the child to exit and returns its status, or nil after `timeout` seconds (then kills it).
    public func waitForExit(timeout: Double = 30) async -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.withLock({ $0.isRunning }) {
            if Date() > deadline {
                signal(SIGKILL)
                return nil
            }
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
        stdoutReader.waitForEnd(timeout: 2)
        stderr.waitForEnd(timeout: 2)
        return process.withLock { $0.terminationStatus }
    }

    deinit {
        process.withLock { process in
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
    }
}

/// A wait that ran out: the thing waited for never came.
public struct TimedOut: Error, CustomStringConvertible {
    /// A time-out waiting for `what`.
    public init(what: String, stderr: String) {
        self.what = what
        self.stderr = stderr
    }

    /// What was awaited.
    public let what: String
    /// The child's stderr so far, to see why.
    public let stderr: String
    public var description: String { "timed out waiting for \(what); stderr:\n\(stderr.suffix(2000))" }
}
