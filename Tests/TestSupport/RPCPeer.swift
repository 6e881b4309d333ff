import Foundation
import JSONCore
import JSONRPC

/// A JSON-RPC error answer, thrown by ``RPCPeer/call(_:_:timeout:)``.
public struct RPCErrorAnswer: Error, CustomStringConvertible {
    public let code: Int
    public let message: String
    public let data: JSONValue?
    public var description: String { "\(code): \(message)" }
}

/// The frames a server wrote, decoded and kept in arrival order, so a test can wait for an answer by id or for a
/// notification (each frame is taken once), and inspect everything that came.
public final class FrameLog: Sendable {
    private struct State {
        var decoder: FrameDecoder
        var frames: [JSONValue] = []
        var undecodable: [[UInt8]] = []
        var taken: Set<Int> = []
        var nextID = 1
    }

    private let state: Locked<State>

    /// A log that splits the bytes it is given with `framing`.
    public init(framing: Framing) {
        state = Locked(State(decoder: FrameDecoder(framing: framing)))
    }

    /// Adds bytes as written by the server (any split), decoding every frame they complete.
    public func append(bytes: [UInt8]) {
        state.withLock { state in
            state.decoder.append(bytes)
            while let event = state.decoder.next() {
                guard case .frame(let frame) = event else { continue }
                Self.keep(frame, in: &state)
            }
        }
    }

    /// Adds one whole frame.
    public func append(frame: [UInt8]) {
        state.withLock { Self.keep(frame, in: &$0) }
    }

    private static func keep(_ frame: [UInt8], in state: inout State) {
        if let value = try? JSONParser().parse(frame) {
            state.frames.append(value)
        } else {
            state.undecodable.append(frame)
        }
    }

    /// A request id not used before on this log's connection.
    public func nextRequestID() -> Int {
        state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
    }

    /// Takes the first frame not yet taken that satisfies `predicate`, if any.
    public func take(where predicate: (JSONValue) -> Bool) -> JSONValue? {
        state.withLock { state in
            for (index, frame) in state.frames.enumerated() where !state.taken.contains(index) && predicate(frame) {
                state.taken.insert(index)
                return frame
            }
            return nil
        }
    }

    /// Every frame received so far, in order.
    public var frames: [JSONValue] { state.withLock { $0.frames } }
    /// Frames that were not JSON (there should be none).
    public var undecodable: [[UInt8]] { state.withLock { $0.undecodable } }
}

/// A JSON-RPC server a test talks to: a `duvo rpc` child over pipes (``RPCProcess``) or the same server in memory.
/// The typed helpers (call, wait for a frame or a notification) are written once here for both.
public protocol RPCPeer: Sendable {
    /// What the server wrote so far.
    var log: FrameLog { get }
    /// What the server said about itself (a child's stderr), shown when a wait times out.
    var diagnostics: String { get }
    /// Writes one message in this side's framing.
    func send(_ message: JSONValue)
}

extension RPCPeer {
    /// Sends a request and returns the whole answer frame (`result` or `error`).
    public func request(_ method: String, _ params: JSONValue? = nil, timeout: Double = 30) async throws -> JSONValue {
        let id = log.nextRequestID()
        var message: JSONValue = ["jsonrpc": "2.0", "id": .int(id), "method": .string(method)]
        if let params { message["params"] = params }
        send(message)
        return try await frame(timeout: timeout) { $0["id"] == .int(id) && ($0["result"] != nil || $0["error"] != nil) }
    }

    /// Sends a request and returns its `result`, or throws ``RPCErrorAnswer``.
    public func call(_ method: String, _ params: JSONValue? = nil, timeout: Double = 30) async throws -> JSONValue {
        let answer = try await request(method, params, timeout: timeout)
        if let error = answer["error"] {
            throw RPCErrorAnswer(code: error["code"]?.intValue ?? 0, message: error["message"]?.stringValue ?? "",
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
            if let found = log.take(where: predicate) { return found }
            if Date() > deadline { throw TimedOut(what: "a frame", stderr: diagnostics) }
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
    public var frames: [JSONValue] { log.frames }
    /// Frames that were not JSON (there should be none).
    public var undecodableFrames: [[UInt8]] { log.undecodable }
}
