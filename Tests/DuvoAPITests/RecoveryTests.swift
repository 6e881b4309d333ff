@testable import DuvoAPI
import Foundation
import JSONCore
import Testing

/// A lost write is recovered only as something Duvo made after the call began, by Duvo's clock, and never as the
/// effect of two calls.
@Suite("Recovering a lost write cannot confuse two writes")
struct RecoveryTests {
    let agentID = "550e8400-e29b-41d4-a716-446655440000"
    let runID = "11111111-2222-4333-8444-555555555555"

    /// `Sun, 06 Nov 1994 08:49:37 GMT`, as a server's `Date` header.
    static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }

    /// `2026-05-18T09:30:00.123Z`, as Duvo stamps runs and messages.
    static func isoTimestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    /// A start answered 502 by a front end (or `post`), then a listing of one run of the agent made at `created`
    /// whose first message is the start's, `rounds` times.
    private func lostStart(created: Date, date: String?, rounds: Int = 1,
                           post: ScriptedTransport.Step = .answer(502, "<html><title>502 Bad Gateway</title></html>",
                                                                  ["content-type": "text/html"])) -> ScriptedTransport {
        let list = #"{"data":[{"id":"\#(runID)","status":"running","created_at":"\#(Self.isoTimestamp(created))"}],"#
            + #""total":1}"#
        let round: [ScriptedTransport.Step] = [
            post,
            .answer(200, list, date.map { ["date": $0] } ?? [:]),
            .answer(200, #"{"messages":[{"type":"user_message","role":"user","text_content":"yes"}],"total":1}"#),
        ]
        return ScriptedTransport(Array(Array(repeating: round, count: rounds).joined()))
    }

    private func start(_ client: DuvoClient) async -> Result<StartedRun, DuvoAPIError> {
        do {
            return .success(try await client.startRun(agentID: agentID, message: "yes", sandboxID: nil,
                                                      webhookURL: nil))
        } catch {
            return .failure(error)
        }
    }

    /// The check of an outcome-unknown failure, or nil, with an issue recorded, for any other result.
    private func outcomeCheck<Value>(_ result: Result<Value, DuvoAPIError>, _ comment: String = "expected outcomeUnknown",
                                     sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        guard case .failure(.outcomeUnknown(_, let check)) = result else {
            Issue.record("\(comment): \(result)", sourceLocation: sourceLocation)
            return nil
        }
        return check
    }

    @Test("an identical run Duvo made before the call began is not this call's: the outcome is unknown")
    func earlierIdenticalStart() async throws {
        let transport = lostStart(created: Date().addingTimeInterval(-10), date: Self.httpDate(Date()))
        let result = await start(DuvoClient.scripted(transport, version: .v2, team: "t"))
        guard case .failure(.outcomeUnknown(_, let check)) = result else {
            Issue.record("expected outcomeUnknown, got \(result)")
            return
        }
        #expect(check.contains("after this call began") && check.contains("runs/list"))
        #expect(transport.sentMethods == ["POST", "GET"], "an older run's messages are not even read")
    }

    @Test("a run made after the call began is recovered once; a second lost call does not get it again")
    func answeredOnce() async throws {
        let client = DuvoClient.scripted(lostStart(created: Date().addingTimeInterval(1),
                                                   date: Self.httpDate(Date()), rounds: 2), version: .v2, team: "t")
        let first = try await start(client).get()
        #expect(first.recovered && first.run.id == runID)
        let again = DuvoClient.scripted(lostStart(created: Date().addingTimeInterval(1), date: Self.httpDate(Date())),
                                        version: .v2, team: "t")
        _ = try await start(again).get()  // another process may take it: only this process's answers count
        let second = await start(client)
        guard case .failure(.outcomeUnknown) = second else {
            Issue.record("the same run was given as the effect of two calls: \(second)")
            return
        }
    }

    @Test("a lost start does not take the run of an identical start of this process still waiting for its answer")
    func identicalStartInFlight() async throws {
        let gate = ScriptedTransport.Gate()
        let run = #"{"id":"\#(runID)","status":"running","created_at":"\#(Self.isoTimestamp(Date().addingTimeInterval(1)))"}"#
        let transport = ScriptedTransport([
            .held(gate, then: .answer(201, #"{"run":\#(run)}"#)),  // the other start: answered after the listing
            .answer(502, "<html><title>502 Bad Gateway</title></html>", ["content-type": "text/html"]),
            .answer(200, #"{"data":[\#(run)],"total":1}"#, ["date": Self.httpDate(Date())]),
            .answer(200, #"{"messages":[{"type":"user_message","role":"user","text_content":"yes"}],"total":1}"#),
        ])
        let client = DuvoClient.scripted(transport, version: .v2, team: "t")
        let other = Task { await start(client) }
        while transport.sentCount < 1 { await Task.yield() }
        let lost = await start(client)
        gate.open()
        let answered = try await other.value.get()
        #expect(answered.run.id == runID && !answered.recovered)
        let check = outcomeCheck(lost, "the other call's run was taken as this one's") ?? ""
        #expect(check.contains(runID) && check.contains("identical start") && check.contains("runs/list"))
    }

    @Test("a lost message does not take the message of an identical post to the run still waiting for its answer")
    func identicalMessageInFlight() async throws {
        let gate = ScriptedTransport.Gate()
        let message = #"{"id":"m6","type":"user_message","role":"user","text_content":"yes","#
            + #""timestamp":"\#(Self.isoTimestamp(Date().addingTimeInterval(1)))"}"#
        let transport = ScriptedTransport([
            .held(gate, then: .answer(201, #"{"message":\#(message)}"#)),
            .fail(.timedOut),
            .answer(200, #"{"messages":[],"total":7}"#, ["date": Self.httpDate(Date())]),
            .answer(200, #"{"messages":[\#(message)],"total":7}"#),
        ])
        let client = DuvoClient.scripted(transport, version: .v2, team: "t")
        let other = Task { try await client.postMessage(runID, text: "yes") }
        while transport.sentCount < 1 { await Task.yield() }
        let lost: Result<PostedMessage, DuvoAPIError>
        do {
            lost = .success(try await client.postMessage(runID, text: " yes\n"))
        } catch {
            lost = .failure(error)
        }
        gate.open()
        let answered = try await other.value
        #expect(answered.message.id == "m6" && !answered.recovered)
        #expect(outcomeCheck(lost, "the other call's message was taken as this one's")?.contains("identical message")
            == true)
    }

    @Test("an identical write counts against a lost one while in flight with it and unanswered, and not after")
    func rivals() {
        let recovery = WriteRecovery(keepSeconds: 60)
        let lost = recovery.began("start yes")
        let other = recovery.began("start yes")
        #expect(recovery.hasRival(lost) && !recovery.hasRival(recovery.began("start no")))
        recovery.ended(other, answered: true)
        #expect(!recovery.hasRival(lost), "answered with its own run, which is then no candidate")
        recovery.ended(recovery.began("start yes"), answered: false)
        #expect(recovery.hasRival(lost), "its answer was lost too: the run found may be its")
        recovery.ended(lost, answered: false)
        #expect(!recovery.hasRival(recovery.began("start yes")), "writes that ended before this one began")
    }

    @Test("a start answered 201 with a body that cannot be read is recovered, or else its outcome is unknown")
    func unreadableCreated() async throws {
        let html: ScriptedTransport.Step = .answer(201, "<html><title>Created</title></html>",
                                                   ["content-type": "text/html", "date": Self.httpDate(Date())])
        let transport = lostStart(created: Date().addingTimeInterval(1), date: Self.httpDate(Date()), post: html)
        let recovered = try await start(DuvoClient.scripted(transport, version: .v2, team: "t")).get()
        #expect(recovered.recovered && recovered.run.id == runID)
        #expect(transport.sentMethods == ["POST", "GET", "GET"], "never sent again")

        let v1 = ScriptedTransport([html])
        let result = await start(DuvoClient.scripted(v1))
        guard case .failure(let error) = result, case .outcomeUnknown(.invalidResponse, let check) = error else {
            Issue.record("expected outcomeUnknown over invalidResponse, got \(result)")
            return
        }
        #expect(check.contains("may have been created") && error.message.contains("could not be read"))
        #expect(v1.sentCount == 1)
        let listed = ScriptedTransport([html, .answer(200, #"{"data":[],"total":0}"#)])
        let notFound = outcomeCheck(await start(DuvoClient.scripted(listed, version: .v2, team: "t")))
        #expect(notFound?.contains("Duvo answered that it started the run") == true, "not 'most likely none was'")
    }

    @Test("an answer to a request answered 2xx unreadably says its outcome is unknown; a read's stays unreadable")
    func unreadableRespondAndRead() async {
        let html: ScriptedTransport.Step = .answer(200, "<html></html>", ["content-type": "text/html"])
        let client = DuvoClient.scripted(ScriptedTransport([html, html]))
        do {
            _ = try await client.respond(runID, requestID: runID, body: ["approved": true])
            Issue.record("an unreadable answer was taken for one")
        } catch {
            guard case .outcomeUnknown(.invalidResponse, let check) = error else {
                Issue.record("expected outcomeUnknown over invalidResponse, got \(error)")
                return
            }
            #expect(check == DuvoClient.respondCheck)
        }
        do {
            _ = try await client.getRun(runID)
            Issue.record("an unreadable answer was taken for one")
        } catch {
            guard case .invalidResponse = error else {
                Issue.record("expected invalidResponse, got \(error)")
                return
            }
        }
    }

    @Test("a listing of more runs than the 20 asked for makes no more than 20 first-message reads")
    func candidatesAreBounded() async {
        let created = Self.isoTimestamp(Date().addingTimeInterval(1))
        let runs = (0..<50).map { index in
            #"{"id":"11111111-2222-4333-8444-\#(String(format: "%012d", index))","status":"running","#
                + #""created_at":"\#(created)"}"#
        }
        var steps: [ScriptedTransport.Step] = [
            .answer(502, "<html><title>502 Bad Gateway</title></html>", ["content-type": "text/html"]),
            .answer(200, #"{"data":[\#(runs.joined(separator: ","))],"total":50}"#, ["date": Self.httpDate(Date())]),
        ]
        let other = #"{"messages":[{"type":"user_message","role":"user","text_content":"no"}],"total":1}"#
        steps += Array(repeating: .answer(200, other), count: 50)
        let transport = ScriptedTransport(steps)
        _ = await start(DuvoClient.scripted(transport, version: .v2, team: "t"))
        #expect(transport.sentCount == 22, "a start, the listing and at most 20 first messages: \(transport.sentCount)")
    }

    @Test("without Duvo's Date nothing can be told apart, so nothing is recovered")
    func noDate() async {
        let result = await start(DuvoClient.scripted(lostStart(created: Date().addingTimeInterval(1), date: nil),
                                                     version: .v2, team: "t"))
        guard case .failure(.outcomeUnknown(_, let check)) = result else {
            Issue.record("expected outcomeUnknown, got \(result)")
            return
        }
        #expect(check.contains("Date"))
    }

    @Test("Duvo's clock at a call's start comes from the latest Date before it, else the first after it")
    func earliestServerTime() {
        let recovery = WriteRecovery(keepSeconds: 60)
        #expect(recovery.earliestServerTime(at: 100) == nil)
        recovery.observe(serverDate: 1_000, receivedAt: 150)
        #expect(recovery.earliestServerTime(at: 100) == 950, "after the call: carried back at one rate")
        recovery.observe(serverDate: 2_000, receivedAt: 90)
        #expect(recovery.earliestServerTime(at: 100) == 2_010, "before the call: at least as much time has passed")
        recovery.observe(serverDate: nil, receivedAt: 95)
        #expect(recovery.earliestServerTime(at: 100) == 2_010)
    }

    @Test("answered ids are kept while a call may still find them, and no longer: the set stays bounded")
    func answeredBound() {
        let recovery = WriteRecovery(keepSeconds: 60)
        for index in 0..<5_000 { recovery.noteAnswered("run-\(index)", now: Double(index)) }
        #expect(recovery.answeredCount < 2 * WriteRecovery.minimumPruneCount)
        #expect(recovery.wasAnswered("RUN-4999") && recovery.wasAnswered("run-4950") && !recovery.wasAnswered("run-10"))
        #expect(!recovery.noteAnswered("run-4999", now: 5_000), "an id is answered once")
    }

    @Test("a stamp is older than a moment only when even its last possible instant is")
    func stampResolution() throws {
        let whole = try #require(DuvoClient.parseTimestamp("2026-05-18T09:30:00Z"))
        #expect(whole.1 == 1)
        let milli = try #require(DuvoClient.parseTimestamp("2026-05-18T09:30:00.250Z"))
        #expect(abs(milli.0 - whole.0 - 0.25) < 1e-6 && abs(milli.1 - 0.001) < 1e-9)
        #expect(DuvoClient.mayBeNewer("2026-05-18T09:30:00Z", than: whole.0 + 0.5))
        #expect(!DuvoClient.mayBeNewer("2026-05-18T09:30:00Z", than: whole.0 + 1.5))
        #expect(!DuvoClient.mayBeNewer(nil, than: 0) && !DuvoClient.mayBeNewer("yesterday", than: 0))
    }
}
