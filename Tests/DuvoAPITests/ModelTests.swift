import DuvoAPI
import JSONCore
import Testing

/// Duvo's answers read into models once, at the client's edge: what a newer Duvo adds still comes out whole.
@Suite("Typed models of Duvo's answers")
struct ModelTests {
    static let runID = "550e8400-e29b-41d4-a716-446655440000"

    @Test("a status this version does not know is kept as it came, and counts as not terminal")
    func unknownStatus() throws {
        let run = try Run(decoding: ["id": .string(Self.runID), "status": "paused_for_review"], operation: "get run")
        #expect(run.status == .unknown("paused_for_review"))
        #expect(run.status.rawValue == "paused_for_review")
        #expect(!run.status.isTerminal && !run.status.needsAttention)
        #expect(run.json["status"] == "paused_for_review")
        #expect(RunStatus(rawValue: "completed") == .completed && RunStatus.completed.isTerminal)
    }

    @Test("fields the documents do not name, and documented fields that are null, are written back as they came")
    func unknownFieldsPassThrough() throws {
        let body: JSONValue = [
            "run": [
                "id": .string(Self.runID), "status": "running", "agent_id": "a", "started_at": nil,
                "completed_at": nil, "updated_at": "2026-05-18T09:30:00Z", "cost_cents": 1234,
                "labels": ["x", "y"],
            ],
            "pending_human_request": [
                "id": "h", "type": "question", "title": "Where?", "deadline": "soon",
                "questions": [["question": "City?", "header": "city", "widget": "map",
                               "options": [["label": "Lisbon", "flag": "pt"]]]],
            ],
            "trace_id": "abc",
        ]
        let read = try RunRead(decoding: body, operation: "get run")
        #expect(read.run.extra["cost_cents"] == 1234)
        #expect(read.run.startedAt == nil)
        #expect(read.pendingHumanRequest?.kind == .question)
        #expect(read.pendingHumanRequest?.questions?.first?.header == "city")
        #expect(read.json == body)
    }

    @Test("runs/get always carries pending_human_request: null when Duvo left it out")
    func pendingIsNull() throws {
        let read = try RunRead(decoding: ["run": ["id": .string(Self.runID), "status": "running"]],
                               operation: "get run")
        #expect(read.json["pending_human_request"] == .null)
    }

    @Test("an answer of another shape is a typed error naming the field, never a crash", arguments: [
        (JSONValue.array([]), "answer is an array, not an object"),
        (["run": "nope"], "run is a string, not an object"),
        (["run": ["status": "running"]], "run has no 'id' (a string)"),
        (["run": ["id": 5, "status": "running"]], "'id' of Duvo's run is a number, not a string"),
        (["run": ["id": "r", "status": "running"], "pending_human_request": ["id": "h", "questions": "?"]],
         "'questions' of Duvo's pending_human_request is a string, not an array"),
    ] as [(JSONValue, String)])
    func malformed(_ body: JSONValue, _ named: String) {
        do {
            _ = try RunRead(decoding: body, operation: "get run")
            Issue.record("\(body) was read")
        } catch {
            guard case .invalidResponse(let operation, let detail) = error else {
                Issue.record("expected invalidResponse, got \(error)")
                return
            }
            #expect(operation == "get run")
            #expect(detail.contains(named), "\(detail)")
            #expect(error.message.contains("get run"))
        }
    }

    @Test("a page's total, limit and offset must be counts: a negative or enormous one is an error naming it",
          arguments: ["-1", "-9223372036854775808", "9007199254740992", "1.5", "1e300"])
    func countsAreCounts(_ literal: String) throws {
        let body = try JSONParser().parse(#"{"messages":[],"total":\#(literal),"limit":20,"offset":0}"#)
        do {
            _ = try MessagePage(decoding: body, operation: "list messages")
            Issue.record("a total of \(literal) was read")
        } catch {
            guard case .invalidResponse(_, let detail) = error else {
                Issue.record("expected invalidResponse, got \(error)")
                return
            }
            #expect(detail.contains("'total'") && detail.contains("not a count"), "\(detail)")
        }
        let fine = try JSONParser().parse(#"{"messages":[],"total":9007199254740991,"limit":20,"offset":0}"#)
        #expect(try MessagePage(decoding: fine, operation: "list messages").total == 9_007_199_254_740_991)
    }

    @Test("the client reads the body once: a 2xx body of the wrong shape is invalidResponse, not retried")
    func clientDecodes() async throws {
        let transport = ScriptedTransport([.answer(200, #"{"messages":{"0":"a"},"total":1}"#)])
        await #expect(throws: DuvoAPIError.self) {
            try await DuvoClient.scripted(transport).messages(Self.runID, limit: 1, offset: 0)
        }
        #expect(transport.sentCount == 1)
        let page = ScriptedTransport([.answer(200, #"{"messages":[{"id":"m","type":"text","mood":"ok"}],"total":1}"#)])
        let read = try await DuvoClient.scripted(page).messages(Self.runID, limit: 1, offset: 0)
        #expect(read.messages.first?.extra["mood"] == "ok")
        #expect(read.json["messages"]?[0]?["mood"] == "ok")
    }

    @Test("a run id is a UUID in either case; anything else is refused with what an id looks like")
    func runIDs() {
        #expect(RunID(Self.runID)?.text == Self.runID)
        #expect(RunID(Self.runID.uppercased()) != nil)
        for bad in ["", "x", "../teams/x", String(Self.runID.dropLast()), Self.runID + "0",
                    "550e8400-e29b-41d4-a716-44665544000g", "550e8400e29b-41d4-a716-4466554400000"] {
            #expect(RunID(bad) == nil, "\(bad)")
        }
        #expect(throws: InvalidID(field: "run_id", given: "x")) { try RunID(validating: "x") }
        #expect(InvalidID(field: "run_id", given: "x").message
            == "'run_id' must be a UUID such as 550e8400-e29b-41d4-a716-446655440000, got 'x'")
    }
}
