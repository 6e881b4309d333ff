import DuvoAPI
import DuvoHTTP
import Foundation
import Synchronization

/// A transport that answers from a script and records what was sent, for testing retry and error rules.
final class ScriptedTransport: HTTPTransport {
    enum Step: Sendable {
        case answer(Int, String, [String: String] = [:])
        case fail(TransportError)
        /// No answer: the clock moves on by the timeout the client gave, then the exchange times out.
        case stall
        /// `then`, once `gate` is opened: an answer held back while other calls go on.
        indirect case held(Gate, then: Step)
    }

    /// What holds a ``Step/held(_:then:)`` answer back until a test opens it.
    final class Gate: Sendable {
        private let opened = AsyncStream<Void>.makeStream()

        func open() { opened.continuation.finish() }

        func wait() async {
            for await _ in opened.stream {}
        }
    }

    private let state: Mutex<(steps: [Step], sent: [(method: String, url: String, headers: [String: String],
                                                     timeout: Double)])>
    private let clock: ManualClock?

    /// A transport answering `steps` in order (500 once they run out); `clock`, when given, is advanced by stalls.
    init(_ steps: [Step], clock: ManualClock? = nil) {
        state = Mutex((steps, []))
        self.clock = clock
    }

    var sentCount: Int { state.withLock { $0.sent.count } }
    var sentURLs: [String] { state.withLock { $0.sent.map(\.url) } }
    var sentMethods: [String] { state.withLock { $0.sent.map(\.method) } }
    var timeouts: [Double] { state.withLock { $0.sent.map(\.timeout) } }

    func send(method: String, url: URL, headers: [String: String], body: [UInt8]?,
              timeout: TimeInterval) async throws(TransportError) -> APIResponse {
        let step: Step = state.withLock { state in
            state.sent.append((method, url.absoluteString, headers, timeout))
            return state.steps.isEmpty ? .answer(500, "{}") : state.steps.removeFirst()
        }
        return try await perform(step, timeout: timeout)
    }

    private func perform(_ step: Step, timeout: TimeInterval) async throws(TransportError) -> APIResponse {
        switch step {
        case .answer(let status, let body, let headers):
            return APIResponse(status: status, headers: headers, body: Array(body.utf8))
        case .fail(let error):
            throw error
        case .stall:
            clock?.advance(by: timeout)
            throw .timedOut
        case .held(let gate, let then):
            await gate.wait()
            return try await perform(then, timeout: timeout)
        }
    }
}

/// A clock that moves only when told, or when someone sleeps on it (the sleep returns at once, the time passes).
final class ManualClock: TimeSource {
    private let seconds = Mutex<Double>(1_000)

    func now() -> Double { seconds.withLock { $0 } }

    func wallNow() -> Double { Fixture.wall(now()) }

    func sleep(seconds delay: Double) async throws {
        try Task.checkCancellation()
        advance(by: delay)
    }

    func advance(by delay: Double) { seconds.withLock { $0 += max(0, delay) } }
}

extension DuvoClient {
    static func scripted(_ transport: ScriptedTransport, version: APIVersion = .v1, team: String? = nil,
                         timeout: Double = 30, clock: ManualClock = ManualClock(),
                         logger: Diagnostics.Logger = Diagnostics.Logger(label: "test", level: .warning)) -> DuvoClient {
        let configuration = DuvoConfiguration(
            apiKey: APIKey("dv_secret_key_123"), baseURL: URL(string: "http://127.0.0.1:9")!, apiVersion: version,
            teamID: team, rateLimitPerMinute: 0, requestTimeout: timeout,
            retry: RetryPolicy(maxAttempts: 3, baseDelay: 0.001, maxDelay: 0.01))
        return DuvoClient(configuration: configuration, transport: transport, logger: logger, clock: clock)
    }
}

import Diagnostics
import Time
