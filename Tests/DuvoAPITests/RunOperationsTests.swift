import Diagnostics
import DuvoAPI
import JSONCore
import KeyCoordination
import RunWatching
import Testing

/// The operations every front door calls: checks, defaults and pending-request handling, once.
@Suite("Run operations")
struct RunOperationsTests {
    static let runID = "550e8400-e29b-41d4-a716-446655440000"
    static let requestID = "660e8400-e29b-41d4-a716-446655440000"

    static func operations(_ transport: ScriptedTransport, version: APIVersion = .v1) -> RunOperations {
        let client = DuvoClient.scripted(transport, version: version)
        let scheduler = PollScheduler(client: client, coordination: .off, logger: Logger(label: "test", level: .error))
        return RunOperations(client: client, scheduler: scheduler)
    }

    static func failure<T>(_ body: () async throws(RunOperationError) -> T) async -> RunOperationError? {
        do {
            _ = try await body()
            return nil
        } catch {
            return error
        }
    }

    @Test("a parameter that does not fit is refused before anything is sent, naming its field")
    func checksFirst() async throws {
        let transport = ScriptedTransport([])
        let operations = Self.operations(transport)
        let runID = try RunID.checked(Self.runID)
        #expect(await Self.failure { () async throws(RunOperationError) in
            try await operations.messages(runID, limit: 0)
        } == .invalidParameter("'limit' must be between 1 and 100, got 0", field: "limit"))
        #expect(await Self.failure { () async throws(RunOperationError) in
            try await operations.respond(runID, approved: nil, answers: ["0": 5])
        } == .invalidParameter("answer '0' must be a string or an array of strings, not a number", field: "answers.0"))
        #expect(await Self.failure { () async throws(RunOperationError) in
            try await operations.wait(runID, timeout: 86_401)
        } == .invalidParameter("'timeout_s' must be more than 0 and at most 86400 seconds", field: "timeout_s"))
        #expect(await Self.failure { () async throws(RunOperationError) in
            try await operations.start(RunOperations.StartRequest(agentID: "agent-1"))
        }.map { if case .invalidParameter(_, "agent_id") = $0 { true } else { false } } == true)
        #expect(await Self.failure { () async throws(RunOperationError) in try RunID.checked("../x") }
            == .invalidParameter("'run_id' must be a UUID such as 550e8400-e29b-41d4-a716-446655440000, got '../x'",
                                 field: "run_id"))
        #expect(transport.sentCount == 0)
    }

    @Test("a listing's status names and since are checked before anything is sent: a 20 KB since or 3,000 statuses cost no request")
    func listingFiltersCheckedFirst() async throws {
        let transport = ScriptedTransport([])
        let operations = Self.operations(transport, version: .v2)
        let refusals: [(RunListFilter, String)] = [
            (RunListFilter(since: String(repeating: "9", count: 20_000)), "since"),
            (RunListFilter(since: "yesterday at noon"), "since"),
            (RunListFilter(statuses: Array(repeating: "running", count: 3_000)), "status"),
            (RunListFilter(statuses: ["running", "Bogus Status"]), "status"),
            (RunListFilter(statuses: [""]), "status"),
        ]
        for (filter, field) in refusals {
            let error = await Self.failure { () async throws(RunOperationError) in
                try await operations.list(filter, teamID: "team-1")
            }
            guard case .invalidParameter(let message, field)? = error else {
                Issue.record("\(filter) was not refused naming '\(field)': \(String(describing: error))")
                continue
            }
            #expect(message.count < 200, "\(message)")
        }
        #expect(await Self.failure { () async throws(RunOperationError) in
            try await operations.stats(agentID: nil, since: "not a time", teamID: "team-1")
        }.map { if case .invalidParameter(_, "since") = $0 { true } else { false } } == true)
        #expect(transport.sentCount == 0)
    }

    @Test("an answer that does not fit the pending request is refused with the request, and nothing is posted")
    func respondChecksThePendingRequest() async throws {
        let read = #"{"run":{"id":"\#(Self.runID)","status":"waiting"},"pending_human_request":"#
            + #"{"id":"\#(Self.requestID)","type":"question","questions":[{"question":"City?","header":"city"}]}}"#
        let transport = ScriptedTransport([.answer(200, read)])
        let failure = await Self.failure { () async throws(RunOperationError) in
            try await Self.operations(transport).respond(try RunID.checked(Self.runID), approved: true, answers: nil)
        }
        guard case .doesNotFit(.needsAnswers(let questions), let request)? = failure else {
            Issue.record("expected doesNotFit, got \(String(describing: failure))")
            return
        }
        #expect(questions == ["City?"])
        #expect(request?.questions?.first?.header == "city")
        #expect(transport.sentMethods == ["GET"])
    }

    @Test("a limit above v1's page size is read as two pages and answered as one")
    func largeLimitOnV1() async throws {
        func page(_ ids: Range<Int>) -> String {
            let messages = ids.map { #"{"id":"m\#($0)","type":"text"}"# }.joined(separator: ",")
            return #"{"messages":[\#(messages)],"total":80,"limit":50,"offset":0}"#
        }
        let transport = ScriptedTransport([.answer(200, page(0..<50)), .answer(200, page(50..<70))])
        let result = try await Self.operations(transport).messages(try RunID.checked(Self.runID), limit: 70)
        #expect(result.messages.map(\.id) == (0..<70).map { "m\($0)" })
        #expect(result.limit == 70 && result.total == 80)
        #expect(transport.sentURLs.last?.hasSuffix("limit=20&offset=50") == true)
    }

    @Test("following a run Duvo does not know fails at once, before any subscription")
    func followUnknownRun() async throws {
        let transport = ScriptedTransport([.answer(404, #"{"error":"not_found","message":"Run not found"}"#)])
        let failure = await Self.failure { () async throws(RunOperationError) in
            try await Self.operations(transport).follow(try RunID.checked(Self.runID))
        }
        guard case .duvo(.notFound)? = failure else {
            Issue.record("expected notFound, got \(String(describing: failure))")
            return
        }
    }
}
