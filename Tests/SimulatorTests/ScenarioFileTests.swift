import DuvoSimulator
import Foundation
import JSONCore
import TestSupport
import Testing

@Suite("Scenario files (--agents)")
struct ScenarioFileTests {
    private var examplePath: String { PackagePaths.root.appendingPathComponent("schema/sim-agents.example.json").path }

    @Test("the shipped example loads, and each of its agents runs to the end its script describes")
    func exampleRuns() async throws {
        let agents = try ScenarioFile.load(path: examplePath)
        #expect(agents.map(\.name) == ["invoice-approver", "survey", "nightly-sync", "maintenance-window"])
        let sim = try SimulatorHarness(speed: 400, extraAgents: agents)
        func start(_ index: Int) async throws -> String {
            let response = try await sim.send("POST", "/v1/runs", body: ["agent_id": .string(agents[index].id)])
            return try #require(response.json["run"]?["id"]?.stringValue)
        }
        let invoice = try await start(0)
        let request = try await sim.waitFor(invoice, ["waiting"])["pending_human_request"]
        #expect(request?["title"] == "Pay invoice INV-7 (1,200 EUR)?")
        _ = try await sim.send(
            "POST", "/v1/runs/\(invoice)/human-requests/\(request?["id"]?.stringValue ?? "")/respond",
            body: ["approved": true])
        try await sim.waitFor(invoice, ["completed"])
        #expect(try await sim.send("GET", "/v2/runs/\(invoice)").json["run"]?["issue_severity"] == "medium")

        let survey = try await start(1)
        let questions = try await sim.waitFor(survey, ["waiting"])["pending_human_request"]
        let answers: JSONValue = ["Which plan are you on?": "Team", "Which features do you use?": "Runs,CLI"]
        _ = try await sim.send(
            "POST", "/v1/runs/\(survey)/human-requests/\(questions?["id"]?.stringValue ?? "")/respond",
            body: ["answers": answers])
        try await sim.waitFor(survey, ["completed"])
        let said = try await sim.allMessages(survey).compactMap { $0["text_content"]?.stringValue }
        #expect(said.contains("Processing answer batch 3 of 3."))
        #expect(said.contains { $0.hasPrefix("Thanks!") && $0.contains("Runs,CLI") })

        #expect(try await sim.waitFor(try await start(2), ["failed"])["run"]?["status"] == "failed")
        let maintenance = try await start(3)
        try await sim.waitFor(maintenance, ["interrupted"])
        _ = try await sim.send("POST", "/v1/runs/\(maintenance)/messages", body: ["message": "go on"])
        try await sim.waitFor(maintenance, ["completed"])
    }

    @Test("mistakes in a scenario file are reported with the location and what is expected")
    func errors() throws {
        let cases: [(String, String)] = [
            ("{}", "top level must be an array"),
            ("[{\"name\": \"a\", \"description\": \"d\"}]", "[0].steps"),
            ("[{\"name\": \"a\", \"description\": \"d\", \"steps\": [{\"sya\": \"hi\"}]}]", "exactly one of"),
            ("[{\"name\": \"a\", \"description\": \"d\", \"steps\": [{\"finish\": \"done\"}]}]", "[0].steps[0].finish"),
            ("[{\"name\": \"a\", \"description\": \"d\", \"colour\": 1, \"steps\": []}]", "unknown key 'colour'"),
            ("[{\"id\": \"x\", \"name\": \"a\", \"description\": \"d\", \"steps\": []}]", "[0].id"),
            ("[{\"name\": \"a\", \"description\": \"d\", \"steps\": [{\"say\": \"x\", \"after_s\": -1}]}]", "after_s"),
            // A repeat of nothing (it crashed the simulator when a run reached it) and repeats that never end.
            ("[{\"name\": \"a\", \"description\": \"d\", \"steps\": [{\"repeat\": 2, \"steps\": []}]}]",
             "[0].steps[0].steps: must hold at least one step"),
            ("[{\"name\": \"a\", \"description\": \"d\", \"steps\": [{\"repeat\": 10000, \"steps\": [{\"repeat\": 10000, "
                + "\"steps\": [{\"say\": \"x\", \"after_s\": 0}]}]}]}]", "more than 1000000 steps"),
        ]
        for (text, fragment) in cases {
            let document = try JSONParser().parse(text)
            do throws(ScenarioFileError) {
                _ = try ScenarioFile.parse(document, file: "agents.json")
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.description.contains(fragment), "\(error.description)")
                #expect(error.description.hasPrefix("agents.json"))
            }
        }
        let clash = try ScenarioFile.parse(
            try JSONParser().parse("[{\"name\": \"echo\", \"description\": \"d\", \"steps\": []}]"),
            file: "agents.json")
        #expect(throws: ScenarioFileError.self) { try AgentCatalog(extra: clash) }
    }

    @Test("built-in agents have fixed ids and the names the docs promise")
    func builtIns() {
        #expect(
            BuiltInAgents.all.map(\.name) == [
                "echo", "approval", "questions", "flaky", "failing", "slow", "chatty", "interrupted",
            ])
        #expect(BuiltInAgents.id(named: "echo") == "7c9e6679-7425-40de-944b-e07fc1f90ae7")
        #expect(Set(BuiltInAgents.all.map(\.id)).count == 8)
        #expect(BuiltInAgents.all.filter(\.humanInTheLoop).map(\.name) == ["approval", "questions"])
    }

    @Test("timestamps are whole-second UTC and parse back, offsets included")
    func timestamps() {
        #expect(Timestamp.format(1_779_012_000_999) == "2026-05-17T10:00:00Z")
        #expect(Timestamp.parse("2026-05-17T10:00:00Z") == 1_779_012_000_000)
        #expect(Timestamp.parse("2026-05-17T12:00:00.5+02:00") == 1_779_012_000_500)
        #expect(Timestamp.parse("2026-05-17T12:00:00 02:00") == 1_779_012_000_000)
        #expect(Timestamp.parse("2026-05-17") == nil)
        #expect(Timestamp.parse("2026-13-17T10:00:00Z") == nil)
        #expect(Timestamp.httpDate(1_779_012_000_999) == "Sun, 17 May 2026 10:00:00 GMT")
        #expect(Timestamp.httpDate(784_111_777_000) == "Sun, 06 Nov 1994 08:49:37 GMT")
    }
}
