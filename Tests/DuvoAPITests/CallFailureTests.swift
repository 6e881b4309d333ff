import Diagnostics
import DuvoAPI
import Foundation
import JSONCore
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Deadlines, Retry-After, secrets, summaries and trace logs of the client core, on a scripted transport and a
/// manual clock (no waiting, no network).
@Suite("Client core: deadlines, secrets and what errors say")
struct CallFailureTests {
    let runID = "550e8400-e29b-41d4-a716-446655440000"
    let key = "dv_secret_key_123"
    let runJSON = #"{"run":{"id":"550e8400-e29b-41d4-a716-446655440000","status":"running"}}"#

    private func failure<T>(_ body: () async throws(DuvoAPIError) -> T) async -> DuvoAPIError? {
        do {
            _ = try await body()
            return nil
        } catch {
            return error
        }
    }

    @Test("one deadline covers every attempt: the timeout says how long it took and how many attempts were made")
    func deadlineCoversRetries() async throws {
        let clock = ManualClock()
        let transport = ScriptedTransport([.answer(503, "{}"), .answer(503, "{}"), .stall], clock: clock)
        let configuration = DuvoConfiguration(
            apiKey: APIKey(key), baseURL: URL(string: "http://127.0.0.1:9")!, apiVersion: .v1, rateLimitPerMinute: 0,
            requestTimeout: 10, retry: RetryPolicy(maxAttempts: 4, baseDelay: 1, maxDelay: 2))
        let client = DuvoClient(configuration: configuration, transport: transport, clock: clock)
        let start = clock.now()
        let error = try #require(await failure { () async throws(DuvoAPIError) in try await client.getRun(runID) })
        guard case .timeout(let call) = error else {
            Issue.record("expected a timeout, got \(error)")
            return
        }
        #expect(call.attempts == 3)
        #expect(abs(call.elapsedSeconds - 10) < 0.01, "the last attempt got only what was left of the 10 s")
        #expect(abs(clock.now() - start - 10) < 0.01)
        #expect(try #require(transport.timeouts.last) < 10)
        #expect(error.message.contains("10.0 s deadline"))
        #expect(error.message.contains("3 attempts in 10.0 s"))
        #expect(error.message.components(separatedBy: "get run:").count == 2, "the operation is named once")
    }

    @Test("a 429's Retry-After is waited out even with no local rate limit; one longer than the deadline fails at once")
    func retryAfterHonoured() async throws {
        let clock = ManualClock()
        let transport = ScriptedTransport([.answer(429, #"{"error":"rate_limited"}"#, ["retry-after": "7"]),
                                           .answer(200, runJSON)], clock: clock)
        let start = clock.now()
        _ = try await DuvoClient.scripted(transport, clock: clock).getRun(runID)
        #expect(clock.now() - start >= 7, "the client waited as Duvo asked before sending again")
        #expect(transport.sentCount == 2)

        let long = ScriptedTransport([.answer(429, #"{"error":"rate_limited"}"#, ["retry-after": "60"])])
        let error = await failure { () async throws(DuvoAPIError) in
            try await DuvoClient.scripted(long, timeout: 5).getRun(runID)
        }
        guard case .rateLimited(let upstream)? = error else {
            Issue.record("expected rateLimited, got \(String(describing: error))")
            return
        }
        #expect(upstream.retryAfterSeconds == 60)
        #expect(long.sentCount == 1)
    }

    @Test("a key the upstream echoes is redacted from errors and results")
    func echoedKeyRedacted() async throws {
        let echo = ScriptedTransport([.answer(401, #"{"error":"unauthorized","message":"invalid token Bearer \#(key)"}"#)])
        let error = try #require(await failure { () async throws(DuvoAPIError) in
            try await DuvoClient.scripted(echo).getRun(runID)
        })
        #expect(!error.message.contains(key))
        #expect(!String(describing: error).contains(key))
        #expect(error.upstream?.message == "invalid token Bearer [redacted]")
        let html = ScriptedTransport([.answer(401, "<html><title>bad \(key)</title></html>")])
        let htmlError = try #require(await failure { () async throws(DuvoAPIError) in
            try await DuvoClient.scripted(html).getRun(runID)
        })
        #expect(!String(describing: htmlError).contains(key))
        let body = ScriptedTransport([.answer(200, #"{"run":{"id":"x","status":"running","note":"\#(key)"}}"#)])
        let run = try await DuvoClient.scripted(body).getRun(runID)
        #expect(run.run.extra["note"] == "[redacted]")
    }

    @Test("an HTML error page from a front end is summarised by its title, never pasted raw")
    func htmlSummarised() async throws {
        let page = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><center><h1>502 Bad Gateway</h1>"
            + "</center><hr><center>nginx</center></body>\r\n</html>\r\n"
        let transport = ScriptedTransport(Array(repeating: .answer(502, page, ["content-type": "text/html"]), count: 3))
        let error = try #require(await failure { () async throws(DuvoAPIError) in
            try await DuvoClient.scripted(transport).getRun(runID)
        })
        #expect(error.message.contains("an HTML page titled '502 Bad Gateway'"))
        #expect(!error.message.contains("<"))
        #expect(!error.message.contains("\r") && !error.message.contains("\n"))
        #expect(error.upstream?.attempts == 3)
        #expect(transport.sentCount == 3)
    }

    @Test("a start whose answer was lost is found on API v2 and returned as recovered, never sent twice")
    func startRecovered() async throws {
        let other = "11111111-2222-4333-8444-555555555555"
        let created = RecoveryTests.isoTimestamp(Date().addingTimeInterval(1))
        let list = #"{"data":[{"id":"\#(other)","status":"running","created_at":"\#(created)"},"#
            + #"{"id":"\#(runID)","status":"pending","created_at":"\#(created)"}],"total":2}"#
        let date = ["date": RecoveryTests.httpDate(Date())]
        let transport = ScriptedTransport([
            .fail(.connectionLost("the connection closed before the response was complete")),
            .answer(200, list, date),
            .answer(200, #"{"messages":[{"type":"user_message","role":"user","text_content":"other job"}],"total":1}"#),
            .answer(200, #"{"messages":[{"type":"user_message","role":"user","text_content":"hello"}],"total":1}"#),
        ])
        let client = DuvoClient.scripted(transport, version: .v2, team: "team-1")
        let body = try await client.startRun(agentID: runID, message: "hello", sandboxID: nil, webhookURL: nil)
        #expect(body.recovered)
        #expect(body.run.id == runID)
        #expect(transport.sentMethods == ["POST", "GET", "GET", "GET"], "one POST: no second run")
        #expect(transport.sentURLs[1].contains("agent_id=\(runID)") && transport.sentURLs[1].contains("since="))
    }

    @Test("a lost start that cannot be confirmed says a run may exist and how to check, never to try again")
    func startOutcomeUnknown() async throws {
        let transport = ScriptedTransport([.answer(504, "<html><title>504 Gateway Time-out</title></html>"),
                                           .answer(200, #"{"data":[],"total":0}"#)])
        let client = DuvoClient.scripted(transport, version: .v2, team: "team-1")
        let error = try #require(await failure { () async throws(DuvoAPIError) in
            try await client.startRun(agentID: runID, message: "hello", sandboxID: nil, webhookURL: nil)
        })
        guard case .outcomeUnknown(let cause, let check) = error else {
            Issue.record("expected outcomeUnknown, got \(error)")
            return
        }
        #expect(cause.upstream?.httpStatus == 504)
        #expect(check.contains("runs/list"))
        #expect(!error.message.lowercased().contains("try again"))
        #expect(transport.sentMethods == ["POST", "GET"])
        // A teamless start on v2 went through /v1/runs; with no team to list, it cannot be matched either.
        let teamless = ScriptedTransport([.answer(502, "bad gateway")])
        let teamlessError = await failure { () async throws(DuvoAPIError) in
            try await DuvoClient.scripted(teamless, version: .v2).startRun(agentID: runID, message: "hi",
                                                                           sandboxID: nil, webhookURL: nil)
        }
        guard case .outcomeUnknown? = teamlessError else {
            Issue.record("expected outcomeUnknown, got \(String(describing: teamlessError))")
            return
        }
        #expect(teamless.sentMethods == ["POST"], "nothing listed, nothing sent again")
        let v1 = ScriptedTransport([.stall])
        let v1Error = await failure { () async throws(DuvoAPIError) in
            try await DuvoClient.scripted(v1).startRun(agentID: runID, message: "hi", sandboxID: nil, webhookURL: nil)
        }
        #expect(v1Error?.advice?.contains("v1") == true)
        #expect(v1.sentCount == 1)
    }

    @Test("a message whose answer was lost is found among the run's newest; a lost answer to a request says a second try is safe")
    func messageAndRespond() async throws {
        let transport = ScriptedTransport([
            .fail(.timedOut),
            .answer(200, #"{"messages":[],"total":7}"#, ["date": RecoveryTests.httpDate(Date())]),
            .answer(200, #"{"messages":[{"id":"m6","type":"user_message","role":"user","text_content":"go on","timestamp":"2999-01-01T00:00:00Z"}],"total":7}"#),
        ])
        let body = try await DuvoClient.scripted(transport).postMessage(runID, text: "go on")
        #expect(body.recovered)
        #expect(body.message.id == "m6")
        #expect(transport.sentMethods == ["POST", "GET", "GET"])

        let respond = ScriptedTransport([.fail(.connectionLost("reset by peer"))])
        let error = await failure { () async throws(DuvoAPIError) in
            try await DuvoClient.scripted(respond).respond(runID, requestID: runID, body: ["approved": true])
        }
        #expect(error?.advice?.contains("safe") == true)
        #expect(error?.advice?.contains("request_not_pending") == true)
        #expect(respond.sentCount == 1)
    }

    @Test("trace logging shows each exchange with method, path, status, time and attempt, and no key")
    func traceLog() async throws {
        // Close-on-exec: a child another test spawns meanwhile must not keep the write end open (no end of file).
        let fds = try ChildPipe.closeOnExecPipe()
        let logger = Logger(label: "test", level: .trace, fd: fds[1])
        let transport = ScriptedTransport([.answer(503, "{}"), .answer(200, runJSON)])
        _ = try await DuvoClient.scripted(transport, logger: logger).getRun(runID)
        close(fds[1])
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while case let count = read(fds[0], &buffer, buffer.count), count > 0 { bytes += buffer[0..<count] }
        close(fds[0])
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("GET /v1/runs/\(runID) -> 503 in "))
        #expect(text.contains("(attempt 1)"))
        #expect(text.contains("GET /v1/runs/\(runID) -> 200 in "))
        #expect(text.contains("(attempt 2)"))
        #expect(!text.contains(key))
    }

    @Test("an unreadable key file says why; DUVO_TIMEOUT sets the deadline and a bad one is refused")
    func configuration() throws {
        do {
            _ = try DuvoConfiguration.resolve(environment: ["DUVO_API_KEY_FILE": "/nonexistent/duvo-key"])
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("/nonexistent/duvo-key"))
            #expect(error.message.contains("No such file"))
        }
        #expect(try DuvoConfiguration.resolve(environment: ["DUVO_TIMEOUT": "2.5"]).requestTimeout == 2.5)
        #expect(try DuvoConfiguration.resolve(environment: [:]).requestTimeout == 30)
        #expect(throws: DuvoAPIError.self) { try DuvoConfiguration.resolve(environment: ["DUVO_TIMEOUT": "soon"]) }
    }
}
