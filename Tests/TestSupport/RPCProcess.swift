import Foundation
import JSONCore
import JSONRPC

/// A `duvo rpc` child process driven over real pipes, as an editor or script would drive it.
///
/// Frames written by the child are decoded with the library's own ``FrameDecoder`` and kept in arrival order, so a
/// test can wait for an answer by id or for a notification, and can inspect everything the process printed.
public final class RPCProcess: Sendable {
    /// How frames are delimited on the pipe.
    public enum Wire: Sendable {
        case ndjson
        case contentLength
    }

    /// A JSON-RPC error answer, thrown by ``call(_:_:timeout:)``.
    public struct ErrorAnswer: Error, CustomStringConvertible {
        public let code: Int
        public let message: String
        public let data: JSONValue?
        public var description: String { "\(code): \(message)" }
    }

    private struct State {
        var decoder: FrameDecoder
        var frames: [JSONValue] = []
        var undecodable: [[UInt8]] = []
        var taken: Set<Int> = []
        var nextID = 1
    }

    private let process: Locked<Process>
    private let input: FileHandle
    private let state: Locked<State>
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
        let state = Locked(State(decoder: FrameDecoder(framing: wire == .ndjson ? .newlineDelimited : .contentLength)))
        self.state = state
        self.wire = wire
        stdoutReader = PipeReader(stdout.parentEnd) { chunk in
            state.withLock { state in
                state.decoder.append(chunk)
                while let event = state.decoder.next() {
                    guard case .frame(let bytes) = event else { continue }
                    if let value = try? JSONParser().parse(bytes) {
                        state.frames.append(value)
                    } else {
                        state.undecodable.append(bytes)
                    }
                }
            }
        }
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

    /// Sends a request and returns the whole answer frame (`result` or `error`).
    public func request(_ method: String, _ params: JSONValue? = nil, timeout: Double = 30) async throws -> JSONValue {
        let id = state.withLock { state -> Int in
            defer { state.nextID += 1 }
            return state.nextID
        }
        var message: JSONValue = ["jsonrpc": "2.0", "id": .int(id), "method": .string(method)]
        if let params { message["params"] = params }
        send(message)
        return try await frame(timeout: timeout) { $0["id"] == .int(id) && ($0["result"] != nil || $0["error"] != nil) }
    }

    /// Sends a request and returns its `result`, or throws ``ErrorAnswer``.
    public func call(_ method: String, _ params: JSONValue? = nil, timeout: Double = 30) async throws -> JSONValue {
        let answer = try await request(method, params, timeout: timeout)
        if let error = answer["error"] {
            throw ErrorAnswer(code: error["code"]?.intValue ?? 0, message: error["message"]?.stringValue ?? "",
                              data: error["data"])
        }
        return answer["result"] ?? .null
    }

    /// Sends a notification.
    public func notify(_ method: String, _ params: JSONValue? = nil) {
        var message: JSONValue = ["jsonrpc": "2.0", "method": .string(method)]
        if let params { message["params"] = params }
        send(message)
    }

    /// Waits for the first frame not yet taken that satisfies `predicate`, and takes it.
    /// - Throws: `TimedOut` after `timeout` seconds (a failure, not a measurement).
    public func frame(timeout: Double = 30, where predicate: @escaping @Sendable (JSONValue) -> Bool) async throws
        -> JSONValue
    {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let found: JSONValue? = state.withLock { state in
                for (index, frame) in state.frames.enumerated() where !state.taken.contains(index) && predicate(frame) {
                    state.taken.insert(index)
                    return frame
                }
                return nil
            }
            if let found { return found }
            if Date() > deadline { throw TimedOut(what: "a frame", stderr: stderr.text) }
            try await Task.sleep(nanoseconds: 5_000_000)
        }
    }

    /// Waits for the notification `method` (optionally of one subscription) and takes it.
    public func notification(_ method: String, subscription: String? = nil, timeout: Double = 30) async throws
        -> JSONValue
    {
        try await frame(timeout: timeout) { frame in
            frame["id"] == nil && frame["method"]?.stringValue == method
                && (subscription == nil || frame["params"]?["subscription"]?.stringValue == subscription)
        }
    }

    /// Every frame received so far, in order.
    public var frames: [JSONValue] { state.withLock { $0.frames } }
    /// Frames that were not JSON (there should be none).
    public var undecodableFrames: [[UInt8]] { state.withLock { $0.undecodable } }
    /// Everything written to stdout, raw.
    public var stdoutText: String { stdoutReader.text }

    /// Closes the child's stdin (end of input).
    public func closeInput() {
        try? input.close()
    }

    /// Sends a signal to the child (SIGTERM by default).
    public func signal(_ number: Int32 = SIGTERM) {
        let pid = process.withLock { $0.processIdentifier }
        kill(pid, number)
    }

    /// Waits for the child to exit and returns its status, or nil after `timeout` seconds (then kills it).
    public func waitForExit(timeout: Double = 10) async -> Int32? {
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
