import DuvoAPI
import JSONCore
import Testing

@Suite("Answering human requests")
struct HumanResponseTests {
    /// `json` read as the client reads a pending request.
    static func request(_ json: JSONValue) -> HumanRequest {
        do {
            return try HumanRequest(decoding: json, operation: "test")
        } catch {
            Issue.record("\(error)")
            return HumanRequest(id: "", kind: nil)
        }
    }

    let questions = request([
        "id": "r", "type": "question", "title": "Setup",
        "questions": [
            ["question": "Which region?", "header": "region", "options": [["label": "eu"], ["label": "us"]]],
            ["question": "Which features?", "header": "features", "multi_select": true,
             "options": [["label": "a"], ["label": "b"]]],
        ],
    ])

    @Test("answers keyed by text, header or index are sent keyed by question text; arrays become comma lists")
    func resolvesKeys() throws {
        let body = try HumanResponse(request: questions).body(approved: nil, answers: [
            "REGION": "eu", "1": ["a", "b"],
        ])
        #expect(body == ["answers": ["Which region?": "eu", "Which features?": "a,b"]])
    }

    @Test("a shape that does not fit the request says what would")
    func rejectsWrongShapes() {
        let approval = Self.request(["id": "r", "type": "approval", "title": "Deploy?"])
        #expect(throws: HumanResponseError.needsApproval) {
            try HumanResponse(request: approval).body(approved: nil, answers: ["x": "y"])
        }
        #expect(throws: HumanResponseError.needsAnswers(questions: ["Which region?", "Which features?"])) {
            try HumanResponse(request: questions).body(approved: true, answers: nil)
        }
        #expect(throws: HumanResponseError.missingAnswers(["Which features?"])) {
            try HumanResponse(request: questions).body(approved: nil, answers: ["0": "eu"])
        }
        #expect(throws: HumanResponseError.self) {
            try HumanResponse(request: questions).body(approved: nil, answers: ["colour": "red"])
        }
        #expect(throws: HumanResponseError.bothGiven) {
            try HumanResponse(request: approval).body(approved: true, answers: [:])
        }
        #expect(throws: HumanResponseError.answeredTwice(question: "Which region?")) {
            try HumanResponse(request: questions).body(approved: nil, answers: ["region": "eu", "0": "us", "1": "a"])
        }
        #expect(HumanResponseError.unknownQuestion(key: "colour", questions: ["Which region?"]).message
            .contains("'Which region?'"))
    }
}

@Suite("Run statistics")
struct RunStatisticsTests {
    @Test("counts by status, failure rate over terminal runs, and duration percentiles")
    func statistics() {
        func run(_ status: RunStatus, _ start: String?, _ end: String?) -> Run {
            Run(id: "r", status: status, startedAt: start, completedAt: end)
        }
        let stats = RunStatistics(runs: [
            run("completed", "2026-05-17T10:00:00Z", "2026-05-17T10:00:10Z"),
            run("completed", "2026-05-17T10:00:00Z", "2026-05-17T10:00:30Z"),
            run("failed", "2026-05-17T10:00:00Z", "2026-05-17T10:01:00Z"),
            run("running", "2026-05-17T10:00:00Z", nil),
        ], total: 4)
        #expect(stats.counts == ["completed": 2, "failed": 1, "running": 1])
        #expect(stats.failureRate == 1.0 / 3.0)
        #expect(stats.json["duration_seconds"] == ["count": 3, "min": 10, "mean": .double(100.0 / 3.0), "p50": 30,
                                                   "p95": 60, "max": 60])
        #expect(RunStatistics(runs: [], total: 0).json["failure_rate"] == .null)
    }
}
