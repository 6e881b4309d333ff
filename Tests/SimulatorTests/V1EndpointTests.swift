import DuvoSimulator
import Foundation
import JSONCore
import TestSupport
import Testing

/// Every v1 endpoint, success and error, checked against Duvo's vendored v1 OpenAPI document.
@Suite("API v1 against Duvo's OpenAPI document")
struct V1EndpointTests {
    let echo = BuiltInAgents.id(named: "echo") ?? ""
    let unknownRun = "00000000-0000-4000-8000-000000000000"

    @Test("POST /v1/runs creates a pending run with exactly the schema's fields")
    func createRun() async throws {
        let sim = try SimulatorHarness(speed: 1)
        let check = try SchemaCheck()
        let response = try await sim.send("POST", "/v1/runs", body: ["agent_id": .string(echo), "sandbox_id": "sbx-1"])
        check.expect(response, "post", "/v1/runs", status: 201)
        let run = try #require(response.json["run"])
        #expect(run["status"] == "pending")
        #expect(run["agent_id"]?.stringValue == echo)
        #expect(run["sandbox_id"] == "sbx-1")
        #expect(run["source"] == "api")
        #expect(run["started_at"] == .null)
        #expect(run["has_issues"] == nil)
        #expect(run["created_at"]?.stringValue?.hasSuffix("Z") == true)
        #expect(run["created_at"]?.stringValue?.count == 20)
    }

    @Test("POST /v1/runs rejects bad bodies with 400 and unknown agents with 404")
    func createRunErrors() async throws {
        let sim = try SimulatorHarness(speed: 1)
        let check = try SchemaCheck()
        let cases: [(JSONValue?, String, Int, String)] = [
            (["agent_id": .string(echo), "colour": "red"], "unknown field", 400, "unknown_field"),
            (["message": "hi"], "missing agent", 400, "missing_field"),
            (["agent_id": "not-a-uuid"], "bad uuid", 400, "invalid_uuid"),
            (["agent_id": 42], "wrong type", 400, "invalid_field"),
            (["agent_id": .string(echo), "webhook_url": "ftp://x"], "bad webhook", 400, "invalid_field"),
            (["agent_id": .string(echo), "webhook_url": "/relative"], "relative webhook", 400, "invalid_field"),
            ([1, 2], "not an object", 400, "invalid_json"),
            (nil, "empty body", 400, "invalid_json"),
            (["agent_id": .string(unknownRun)], "unknown agent", 404, "not_found"),
        ]
        for (body, label, status, code) in cases {
            let response = try await sim.send("POST", "/v1/runs", body: body)
            check.expect(response, "post", "/v1/runs", status: status, code: code)
            #expect(response.status == status, "\(label)")
        }
        let malformed = try await sim.client.send(
            "POST", sim.baseURL + "/v1/runs", rawBody: Data("{\"agent_id\":".utf8))
        check.expect(malformed, "post", "/v1/runs", status: 400, code: "invalid_json")
    }

    @Test("GET /v1/runs/{id} shows the run and a null pending request; errors are 400, 401 and 404")
    func getRun() async throws {
        let sim = try SimulatorHarness(speed: 1)
        let check = try SchemaCheck()
        let id = try await sim.startRun("echo")
        let response = try await sim.send("GET", "/v1/runs/\(id)")
        check.expect(response, "get", "/v1/runs/{run_id}", status: 200)
        #expect(response.json["pending_human_request"] == .null)
        #expect(response.json["run"]?["id"]?.stringValue == id)
        check.expect(
            try await sim.send("GET", "/v1/runs/nope"), "get", "/v1/runs/{run_id}", status: 400, code: "invalid_uuid")
        check.expect(
            try await sim.send("GET", "/v1/runs/\(unknownRun)"), "get", "/v1/runs/{run_id}", status: 404,
            code: "not_found")
        let anonymous = try await HTTPTestClient().send("GET", sim.baseURL + "/v1/runs/\(id)")
        check.expect(anonymous, "get", "/v1/runs/{run_id}", status: 401, code: "unauthorized")
    }

    @Test("GET /v1/runs/{id} shows a pending approval and a pending question request as the schema says")
    func pendingRequests() async throws {
        let sim = try SimulatorHarness(speed: 400)
        let check = try SchemaCheck()
        for name in ["approval", "questions"] {
            let id = try await sim.startRun(name)
            try await sim.waitFor(id, ["waiting"])
            let response = try await sim.send("GET", "/v1/runs/\(id)")
            check.expect(response, "get", "/v1/runs/{run_id}", status: 200)
            let request = try #require(response.json["pending_human_request"])
            #expect(request["type"]?.stringValue == (name == "approval" ? "approval" : "question"))
            if name == "questions" {
                let questions = try #require(request["questions"]?.arrayValue)
                #expect(questions.count == 2)
                #expect(
                    questions.contains { $0["multi_select"] == true && ($0["options"]?.arrayValue?.count ?? 0) > 1 })
            } else {
                #expect(request["questions"] == nil)
            }
        }
    }

    @Test("GET /v1/runs/{id}/messages pages chronologically with limit 1-50")
    func listMessages() async throws {
        let sim = try SimulatorHarness(speed: 400)
        let check = try SchemaCheck()
        let id = try await sim.startRun("chatty")
        try await sim.waitFor(id, ["completed"])
        let template = "/v1/runs/{run_id}/messages"
        let first = try await sim.send("GET", "/v1/runs/\(id)/messages")
        check.expect(first, "get", template, status: 200)
        #expect(first.json["limit"] == 20)
        #expect(first.json["offset"] == 0)
        #expect(first.json["messages"]?.arrayValue?.count == 20)
        let total = try #require(first.json["total"]?.intValue)
        #expect(total > 300)
        let page = try await sim.send("GET", "/v1/runs/\(id)/messages?limit=50&offset=\(total - 10)")
        check.expect(page, "get", template, status: 200)
        #expect(page.json["messages"]?.arrayValue?.count == 10)
        let stamps = try await sim.allMessages(id).compactMap { $0["timestamp"]?.stringValue }
        #expect(stamps == stamps.sorted())
        for query in ["limit=51", "limit=0", "limit=abc", "offset=-1", "offset=1.5"] {
            check.expect(
                try await sim.send("GET", "/v1/runs/\(id)/messages?\(query)"), "get", template, status: 400,
                code: "invalid_field")
        }
        check.expect(
            try await sim.send("GET", "/v1/runs/\(unknownRun)/messages"), "get", template, status: 404,
            code: "not_found")
    }

    @Test("POST /v1/runs/{id}/messages stores the message (201) and validates the body")
    func postMessage() async throws {
        let sim = try SimulatorHarness(speed: 1)
        let check = try SchemaCheck()
        let id = try await sim.startRun("slow")
        let template = "/v1/runs/{run_id}/messages"
        let response = try await sim.send(
            "POST", "/v1/runs/\(id)/messages", body: ["message": "Please also check the backup."])
        check.expect(response, "post", template, status: 201)
        #expect(response.json["message"]?["type"] == "user_message")
        #expect(response.json["message"]?["role"] == "user")
        #expect(response.json["message"]?["text_content"] == "Please also check the backup.")
        let messages = try await sim.allMessages(id)
        let stored = messages.first { $0["id"] == response.json["message"]?["id"] }
        #expect(stored?["text_content"] == "Please also check the backup.", "the posted message is in the run")
        for (body, code) in [
            (["message": ""] as JSONValue, "invalid_field"), ([:], "missing_field"),
            (["message": "x", "extra": 1], "unknown_field"), (["message": 5], "invalid_field"),
        ] {
            check.expect(
                try await sim.send("POST", "/v1/runs/\(id)/messages", body: body), "post", template, status: 400,
                code: code)
        }
        check.expect(
            try await sim.send("POST", "/v1/runs/\(unknownRun)/messages", body: ["message": "x"]), "post", template,
            status: 404, code: "not_found")
    }

    @Test("POST .../respond answers approvals and questions, and refuses the wrong shape or state")
    func respond() async throws {
        let sim = try SimulatorHarness(speed: 400)
        let check = try SchemaCheck()
        let template = "/v1/runs/{run_id}/human-requests/{request_id}/respond"
        let id = try await sim.startRun("approval")
        let waiting = try await sim.waitFor(id, ["waiting"])
        let requestID = try #require(waiting["pending_human_request"]?["id"]?.stringValue)
        let path = "/v1/runs/\(id)/human-requests/\(requestID)/respond"
        check.expect(
            try await sim.send("POST", path, body: ["answers": ["a": "b"]]), "post", template, status: 400,
            code: "invalid_response")
        check.expect(
            try await sim.send("POST", path, body: [:]), "post", template, status: 400, code: "invalid_response")
        check.expect(
            try await sim.send("POST", path, body: ["approved": "yes"]), "post", template, status: 400,
            code: "invalid_field")
        check.expect(
            try await sim.send("POST", "/v1/runs/\(id)/human-requests/\(unknownRun)/respond", body: ["approved": true]),
            "post", template, status: 404, code: "not_found")
        check.expect(
            try await sim.send("POST", "/v1/runs/\(id)/human-requests/xyz/respond", body: ["approved": true]),
            "post", template, status: 400, code: "invalid_uuid")
        let answered = try await sim.send("POST", path, body: ["approved": false])
        check.expect(answered, "post", template, status: 200)
        #expect(answered.json["human_request"]?["response"] == "denied")
        #expect(answered.json["human_request"]?["run_id"]?.stringValue == id)
        check.expect(
            try await sim.send("POST", path, body: ["approved": true]), "post", template, status: 400,
            code: "request_not_pending")

        let echo = try await sim.startRun("echo")
        check.expect(
            try await sim.send(
                "POST", "/v1/runs/\(echo)/human-requests/\(unknownRun)/respond", body: ["approved": true]),
            "post", template, status: 404, code: "not_found")
    }

    @Test("POST .../respond to a run that is not waiting is run_not_waiting")
    func respondNotWaiting() async throws {
        let sim = try SimulatorHarness(speed: 400)
        let check = try SchemaCheck()
        let id = try await sim.startRun("approval")
        let waiting = try await sim.waitFor(id, ["waiting"])
        let requestID = try #require(waiting["pending_human_request"]?["id"]?.stringValue)
        _ = try await sim.send("POST", "/v1/runs/\(id)/stop")
        let response = try await sim.send(
            "POST", "/v1/runs/\(id)/human-requests/\(requestID)/respond", body: ["approved": true])
        check.expect(
            response, "post", "/v1/runs/{run_id}/human-requests/{request_id}/respond", status: 400,
            code: "run_not_waiting")
    }

    @Test("POST /v1/runs/{id}/stop stops an active run and is a documented no-op on a finished one")
    func stop() async throws {
        let sim = try SimulatorHarness(speed: 1)
        let check = try SchemaCheck()
        let template = "/v1/runs/{run_id}/stop"
        let id = try await sim.startRun("slow")
        let stopped = try await sim.send("POST", "/v1/runs/\(id)/stop")
        check.expect(stopped, "post", template, status: 200)
        #expect(stopped.json == ["success": true, "message": "Run stopped"])
        let run = try await sim.send("GET", "/v1/runs/\(id)").json["run"]
        #expect(run?["status"] == "stopped")
        #expect(run?["completed_at"]?.stringValue != nil)
        let again = try await sim.send("POST", "/v1/runs/\(id)/stop")
        check.expect(again, "post", template, status: 200)
        #expect(again.json == ["success": false, "message": "Run is not active (status: stopped); nothing to stop"])
        check.expect(
            try await sim.send("POST", "/v1/runs/\(unknownRun)/stop"), "post", template, status: 404, code: "not_found")
        check.expect(
            try await sim.send("POST", "/v1/runs/bad/stop"), "post", template, status: 400, code: "invalid_uuid")
    }

    @Test("injected 500s match the documented error schema on every endpoint")
    func serverErrors() async throws {
        var faults = FaultSpec()
        faults.serverErrorRate = 1
        let sim = try SimulatorHarness(speed: 1, faults: faults, seed: 7)
        let check = try SchemaCheck()
        let run = unknownRun
        let calls: [(String, String, String, JSONValue?)] = [
            ("post", "/v1/runs", "/v1/runs", ["agent_id": .string(echo)]),
            ("get", "/v1/runs/{run_id}", "/v1/runs/\(run)", nil),
            ("get", "/v1/runs/{run_id}/messages", "/v1/runs/\(run)/messages", nil),
            ("post", "/v1/runs/{run_id}/messages", "/v1/runs/\(run)/messages", ["message": "x"]),
            (
                "post", "/v1/runs/{run_id}/human-requests/{request_id}/respond",
                "/v1/runs/\(run)/human-requests/\(run)/respond", [:]
            ),
            ("post", "/v1/runs/{run_id}/stop", "/v1/runs/\(run)/stop", nil),
        ]
        var statuses = Set<Int>()
        for (method, template, path, body) in calls {
            for _ in 0..<4 {
                let response = try await sim.send(method.uppercased(), path, body: body)
                statuses.insert(response.status)
                let schema = check.validator.responseSchema(path: template, method: method, status: 500)
                #expect(check.validator.validate(response.json, against: try #require(schema)).isEmpty)
                #expect([500, 502, 503].contains(response.status))
            }
        }
        #expect(statuses.count > 1)
    }
}
