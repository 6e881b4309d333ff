import DuvoSimulator
import Foundation
import JSONCore
import TestSupport
import Testing

@Suite("Run lifecycle of the built-in agents")
struct LifecycleTests {
    private func texts(_ messages: [JSONValue], _ type: String) -> [String] {
        messages.filter { $0["type"]?.stringValue == type }.compactMap { $0["text_content"]?.stringValue }
    }

    @Test("a run goes pending, starting, running, then completed, with started_at and completed_at set on the way")
    func statusSequence() async throws {
        // At speed 1 each phase lasts seconds, so polling sees every one even on a loaded machine.
        let sim = try SimulatorHarness(speed: 1)
        let created = try await sim.send(
            "POST", "/v1/runs", body: ["agent_id": .string(try #require(BuiltInAgents.id(named: "echo")))])
        let id = try #require(created.json["run"]?["id"]?.stringValue)
        var seen = [created.json["run"]?["status"]?.stringValue ?? "?"]
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let status = try await sim.send("GET", "/v1/runs/\(id)").json["run"]?["status"]?.stringValue ?? "?"
            if seen.last != status { seen.append(status) }
            if status == "completed" { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(seen.first == "pending")
        #expect(seen.last == "completed")
        let order = ["pending", "starting", "running", "completed"]
        let ranks = seen.compactMap { order.firstIndex(of: $0) }
        #expect(ranks.count == seen.count, "unexpected status in \(seen)")
        #expect(ranks == ranks.sorted(), "statuses out of order: \(seen)")
        #expect(seen.contains("running"))
        let run = try await sim.send("GET", "/v1/runs/\(id)").json["run"]
        let started = try #require(run?["started_at"]?.stringValue.flatMap(Timestamp.parse))
        let completed = try #require(run?["completed_at"]?.stringValue.flatMap(Timestamp.parse))
        let createdAt = try #require(run?["created_at"]?.stringValue.flatMap(Timestamp.parse))
        #expect(createdAt <= started && started < completed)
    }

    @Test("echo answers the initial message and a later one, resuming after completion")
    func echo() async throws {
        let sim = try SimulatorHarness(speed: 400)
        let id = try await sim.startRun("echo", message: "hello there")
        try await sim.waitFor(id, ["completed"])
        #expect(texts(try await sim.allMessages(id), "assistant_message").contains("Echo: hello there"))
        let posted = try await sim.send("POST", "/v1/runs/\(id)/messages", body: ["message": "again"])
        #expect(posted.status == 201)
        let resumed = try await sim.send("GET", "/v1/runs/\(id)").json["run"]
        #expect(["running", "completed"].contains(resumed?["status"]?.stringValue ?? ""))
        try await sim.waitFor(id, ["completed"])
        let messages = try await sim.allMessages(id)
        #expect(texts(messages, "assistant_message").last == "Echo: again")
        #expect(texts(messages, "user_message") == ["hello there", "again"])
    }

    @Test("approval completes either way and says what it did")
    func approval() async throws {
        let sim = try SimulatorHarness(speed: 400)
        for (approved, expected) in [(true, "Approved"), (false, "Denied")] {
            let id = try await sim.startRun("approval")
            let waiting = try await sim.waitFor(id, ["waiting"])
            let requestID = try #require(waiting["pending_human_request"]?["id"]?.stringValue)
            let messages = try await sim.allMessages(id)
            // The human_request message's id is the request id, so the CLI docs' auto-approve script works.
            #expect(messages.last?["type"] == "human_request")
            #expect(messages.last?["id"]?.stringValue == requestID)
            let answer = try await sim.send(
                "POST", "/v1/runs/\(id)/human-requests/\(requestID)/respond",
                body: ["approved": .bool(approved)])
            #expect(answer.status == 200)
            try await sim.waitFor(id, ["completed"])
            let after = try await sim.allMessages(id)
            #expect(texts(after, "human_response") == [approved ? "approved" : "denied"])
            #expect(texts(after, "assistant_message").last?.hasPrefix(expected) == true)
        }
    }

    @Test("questions accepts answers keyed by question text and completes with a summary")
    func questions() async throws {
        let sim = try SimulatorHarness(speed: 400)
        let id = try await sim.startRun("questions")
        let waiting = try await sim.waitFor(id, ["waiting"])
        let request = try #require(waiting["pending_human_request"])
        let questions = try #require(request["questions"]?.arrayValue?.compactMap { $0["question"]?.stringValue })
        let path = "/v1/runs/\(id)/human-requests/\(try #require(request["id"]?.stringValue))/respond"
        let partial = try await sim.send("POST", path, body: ["answers": .object([questions[0]: "Lisbon"])])
        #expect(partial.status == 400)
        #expect(partial.json["error"] == "invalid_response")
        #expect(partial.json["message"]?.stringValue?.contains(questions[1]) == true)
        let answers: JSONValue = .object([questions[0]: "Lisbon", questions[1]: "Monday,Friday"])
        let answered = try await sim.send("POST", path, body: ["answers": answers])
        #expect(answered.status == 200)
        let response = try #require(answered.json["human_request"]?["response"]?.stringValue)
        #expect(try JSONParser().parse(response) == answers)
        try await sim.waitFor(id, ["completed"])
        let summary = texts(try await sim.allMessages(id), "assistant_message").first { $0.hasPrefix("Summary") }
        #expect(summary?.contains("Lisbon") == true)
        #expect(summary?.contains("Monday,Friday") == true)
    }

    @Test("flaky retries the identical tool call after two errors and completes")
    func flaky() async throws {
        let sim = try SimulatorHarness(speed: 400)
        let id = try await sim.startRun("flaky")
        try await sim.waitFor(id, ["completed"])
        let results = try await sim.allMessages(id).filter { $0["type"] == "tool_result" }
        #expect(results.count == 3)
        #expect(results.map { $0["tool_result"]?["error"] != nil } == [true, true, false])
        #expect(Set(results.map { $0["tool_call"]?["name"] }).count == 1)
        #expect(Set(results.map { $0["tool_call"]?["arguments"] }).count == 1)
        #expect(
            results.allSatisfy { $0["role"] == "tool" && $0["tool_result"]?["tool_call_id"] == $0["tool_call"]?["id"] })
    }

    @Test("failing exhausts its retries, explains why, and ends failed with the tool error in the log")
    func failing() async throws {
        let sim = try SimulatorHarness(speed: 400)
        let id = try await sim.startRun("failing")
        let final = try await sim.waitFor(id, ["completed", "failed"])
        #expect(final["run"]?["status"] == "failed")
        let messages = try await sim.allMessages(id)
        let calls = messages.filter { $0["type"] == "tool_call" }
        #expect(calls.count == 4)
        #expect(messages.filter { $0["type"] == "tool_result" }.allSatisfy { $0["tool_result"]?["error"] != nil })
        #expect(texts(messages, "assistant_message").last?.contains("no retries left") == true)
    }

    @Test("slow runs for minutes of simulated time with a message every few seconds")
    func slow() async throws {
        let sim = try SimulatorHarness(speed: 400)
        let id = try await sim.startRun("slow")
        let final = try await sim.waitFor(id, ["completed"])
        let started = try #require(final["run"]?["started_at"]?.stringValue.flatMap(Timestamp.parse))
        let completed = try #require(final["run"]?["completed_at"]?.stringValue.flatMap(Timestamp.parse))
        #expect(completed - started >= 170_000)
        #expect(try await sim.allMessages(id).count >= 36)
    }

    @Test("chatty writes hundreds of messages with unique ids")
    func chatty() async throws {
        let sim = try SimulatorHarness(speed: 400)
        let id = try await sim.startRun("chatty")
        try await sim.waitFor(id, ["completed"])
        let messages = try await sim.allMessages(id)
        #expect(messages.count >= 300)
        #expect(Set(messages.compactMap { $0["id"]?.stringValue }).count == messages.count)
        #expect(try await sim.allMessages(id).map { $0["id"] } == messages.map { $0["id"] })
    }

    @Test("interrupted ends interrupted; a message resumes it to completed")
    func interrupted() async throws {
        let sim = try SimulatorHarness(speed: 400)
        let id = try await sim.startRun("interrupted")
        let final = try await sim.waitFor(id, ["interrupted"])
        #expect(final["run"]?["completed_at"]?.stringValue != nil)
        _ = try await sim.send("POST", "/v1/runs/\(id)/messages", body: ["message": "please continue"])
        let resumed = try await sim.waitFor(id, ["completed"])
        #expect(resumed["run"]?["completed_at"]?.stringValue != nil)
        #expect(texts(try await sim.allMessages(id), "assistant_message").last?.contains("please continue") == true)
    }

    @Test("a message to a waiting run is acknowledged and the agent asks again with a new request")
    func messageWhileWaiting() async throws {
        let sim = try SimulatorHarness(speed: 400)
        let id = try await sim.startRun("approval")
        let first = try #require(try await sim.waitFor(id, ["waiting"])["pending_human_request"]?["id"]?.stringValue)
        _ = try await sim.send("POST", "/v1/runs/\(id)/messages", body: ["message": "what is in the report?"])
        var second = first
        let deadline = Date().addingTimeInterval(30)
        while second == first && Date() < deadline {
            let state = try await sim.waitFor(id, ["waiting"])
            second = state["pending_human_request"]?["id"]?.stringValue ?? first
        }
        #expect(second != first)
        let stale = try await sim.send(
            "POST", "/v1/runs/\(id)/human-requests/\(first)/respond", body: ["approved": true])
        #expect(stale.json["error"] == "request_not_pending")
        let fresh = try await sim.send(
            "POST", "/v1/runs/\(id)/human-requests/\(second)/respond", body: ["approved": true])
        #expect(fresh.status == 200)
        try await sim.waitFor(id, ["completed"])
    }

    @Test("a message to a failed or stopped run is stored but does not resume it")
    func noResume() async throws {
        // Speed 10: the slow run lasts ~20 s, so it is surely still active when stopped.
        let sim = try SimulatorHarness(speed: 10)
        let failed = try await sim.startRun("failing")
        try await sim.waitFor(failed, ["failed"])
        let stopped = try await sim.startRun("slow")
        try #require(try await sim.send("POST", "/v1/runs/\(stopped)/stop").json["success"] == true)
        for (id, status) in [(failed, "failed"), (stopped, "stopped")] {
            #expect(try await sim.send("POST", "/v1/runs/\(id)/messages", body: ["message": "retry?"]).status == 201)
            try await Task.sleep(for: .milliseconds(100))
            let run = try await sim.send("GET", "/v1/runs/\(id)").json["run"]
            #expect(run?["status"]?.stringValue == status)
            #expect(texts(try await sim.allMessages(id), "user_message") == ["retry?"])
        }
    }
}
