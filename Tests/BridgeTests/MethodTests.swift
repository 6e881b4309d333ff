import Foundation
import JSONCore
import JSONRPC
import ServerTestSupport
import Testing
import TestSupport

/// Every method of `duvo rpc`, through the server in memory, against the simulator over real HTTP.
@Suite("duvo rpc methods", .timeLimit(.minutes(2)))
struct MethodTests {
    @Test("start, get, messages, send a message and wait: an echo run completes and answers", arguments: [
        Framing.newlineDelimited, .contentLength,
    ])
    func echoLifecycle(framing: Framing) async throws {
        let bridge = try startInProcess { $0.framing = framing }
        let started = try await bridge.call("runs/start", ["agent_id": .string(try bridge.agentID("echo")),
                                                           "message": "ping"])
        let runID = started.runID
        #expect(started["run"]?["status"]?.stringValue == "pending")
        #expect(started["subscription"] == nil)

        let done = try await bridge.call("runs/wait", ["run_id": .string(runID), "timeout_s": 30], timeout: 40)
        #expect(done["timed_out"] == false)
        #expect(done["run"]?["status"] == "completed")
        #expect(done["pending_human_request"] == .null)

        let got = try await bridge.call("runs/get", ["run_id": .string(runID)])
        #expect(got["run"]?["id"]?.stringValue == runID)
        #expect(got["pending_human_request"] == .null)

        let page = try await bridge.call("runs/messages", ["run_id": .string(runID), "limit": 1])
        #expect(page["limit"] == 1)
        #expect(page["messages"]?.arrayValue?.count == 1)
        let all = try await bridge.call("runs/messages", ["run_id": .string(runID), "all": true])
        let texts = (all["messages"]?.arrayValue ?? []).compactMap { $0["text_content"]?.stringValue }
        #expect(texts.first == "ping")
        #expect(texts.contains { $0.contains("ping") && $0 != "ping" }, "the echo agent answers with the message")

        let sent = try await bridge.call("runs/sendMessage", ["run_id": .string(runID), "message": "again"])
        #expect(sent["message"]?["text_content"] == "again")
        #expect(sent["message"]?["role"] == "user")
        let resumed = try await bridge.call("runs/wait", ["run_id": .string(runID), "timeout_s": 30], timeout: 40)
        #expect(resumed["run"]?["status"] == "completed")
        let after = try await bridge.call("runs/messages", ["run_id": .string(runID), "all": true])
        #expect((after["total"]?.intValue ?? 0) > (all["total"]?.intValue ?? 0))
        bridge.closeInput()
        #expect(await bridge.stopped() == .endOfInput)
    }

    @Test("respond approves the pending request without naming it, and the run completes")
    func approve() async throws {
        let bridge = try startInProcess()
        let runID = try await bridge.call("runs/start", ["agent_id": .string(try bridge.agentID("approval"))]).runID
        let waiting = try await bridge.call("runs/wait", ["run_id": .string(runID), "until": "attention",
                                                          "timeout_s": 30], timeout: 40)
        #expect(waiting["run"]?["status"] == "waiting")
        let pending = try #require(waiting["pending_human_request"]?["id"]?.stringValue)
        #expect(waiting["pending_human_request"]?["type"] == "approval")

        let answer = try await bridge.call("runs/respond", ["run_id": .string(runID), "approved": true])
        #expect(answer["human_request"]?["id"]?.stringValue == pending)
        #expect(answer["human_request"]?["response"] == "approved")

        let done = try await bridge.call("runs/wait", ["run_id": .string(runID), "timeout_s": 30], timeout: 40)
        #expect(done["run"]?["status"] == "completed")

        await #expect(throws: RPCErrorAnswer.self) {
            try await bridge.call("runs/respond", ["run_id": .string(runID), "approved": true])
        }
        do {
            _ = try await bridge.call("runs/respond", ["run_id": .string(runID), "approved": true])
        } catch let error as RPCErrorAnswer {
            #expect(error.code == -32602)
            #expect(error.message.contains("no pending human request"))
        }
    }

    @Test("respond answers questions by header and index, multi-select as an array, as a list or the older map",
          arguments: ["list", "map"])
    func answerQuestions(shape: String) async throws {
        let bridge = try startInProcess()
        let runID = try await bridge.call("runs/start", ["agent_id": .string(try bridge.agentID("questions"))]).runID
        let waiting = try await bridge.call("runs/wait", ["run_id": .string(runID), "until": "attention",
                                                          "timeout_s": 30], timeout: 40)
        let request = try #require(waiting["pending_human_request"])
        #expect(request["type"] == "question")
        let questions = try #require(request["questions"]?.arrayValue)
        #expect(questions.count == 2)

        do {
            _ = try await bridge.call("runs/respond", ["run_id": .string(runID), "approved": true])
            Issue.record("an approval does not answer questions")
        } catch let error as RPCErrorAnswer {
            #expect(error.code == -32602)
            #expect(error.data?["field"] == "answers")
        }

        var answers: [String: JSONValue] = [:]
        for (index, question) in questions.enumerated() {
            let labels = (question["options"]?.arrayValue ?? []).compactMap { $0["label"]?.stringValue }
            if question["multi_select"]?.boolValue == true {
                answers[String(index)] = .array(labels.prefix(2).map(JSONValue.string))
            } else {
                let key = question["header"]?.stringValue ?? String(index)
                answers[key] = .string(labels.first ?? "yes")
            }
        }
        let given: JSONValue = shape == "map" ? .object(answers) : .array(answers.keys.sorted().map { key in
            ["question": .string(key), "answer": answers[key] ?? .null]
        })
        let answer = try await bridge.call("runs/respond", ["run_id": .string(runID), "answers": given])
        let response = try #require(answer["human_request"]?["response"]?.stringValue)
        for question in questions {
            #expect(response.contains(question["question"]?.stringValue ?? "?"), "answers are sent keyed by text")
        }
        let done = try await bridge.call("runs/wait", ["run_id": .string(runID), "timeout_s": 30], timeout: 40)
        #expect(done["run"]?["status"] == "completed")
    }

    @Test("every optional param may be null or at its declared default, with the result of leaving it out")
    func nullsAndDefaults() async throws {
        let bridge = try startInProcess()
        let started = try await bridge.call("runs/start", [
            "agent_id": .string(try bridge.agentID("echo")), "message": "hi", "sandbox_id": nil, "webhook_url": nil,
            "follow": false, "team_id": nil,
        ])
        let runID = started.runID
        #expect(started["subscription"] == nil)
        let done = try await bridge.call("runs/wait", ["run_id": .string(runID), "until": nil, "timeout_s": nil],
                                         timeout: 40)
        #expect(done["run"]?["status"] == "completed")
        let plain = try await bridge.call("runs/messages", ["run_id": .string(runID)])
        for extra: [String: JSONValue] in [["limit": nil, "offset": nil, "all": nil], ["offset": 0, "all": false]] {
            var params = extra
            params["run_id"] = .string(runID)
            #expect(try await bridge.call("runs/messages", .object(params)) == plain)
        }
        let listed = try await bridge.call("runs/list", [
            "agent_id": nil, "status": nil, "since": nil, "has_issues": nil, "issue_severity": nil, "limit": nil,
            "offset": 0, "sort_by": nil, "sort_order": nil, "all": false, "team_id": nil,
        ])
        #expect(listed["data"]?.arrayValue?.isEmpty == false)
        let stats = try await bridge.call("runs/stats", ["agent_id": nil, "since": nil, "team_id": nil])
        #expect(stats["total"] != nil)
        do {
            _ = try await bridge.call("runs/respond", ["run_id": .string(runID), "request_id": nil, "approved": true,
                                                       "answers": nil])
            Issue.record("the run has nothing pending")
        } catch let error as RPCErrorAnswer {
            #expect(error.message.contains("no pending human request"), "request_id null is no id: \(error.message)")
        }
    }

    @Test("stop ends an active run; stopping again is a documented no-op")
    func stop() async throws {
        let bridge = try startInProcess { $0.speed = 5 }
        let runID = try await bridge.call("runs/start", ["agent_id": .string(try bridge.agentID("slow"))]).runID
        let stopped = try await bridge.call("runs/stop", ["run_id": .string(runID)])
        #expect(stopped["success"] == true)
        let got = try await bridge.call("runs/get", ["run_id": .string(runID)])
        #expect(got["run"]?["status"] == "stopped")
        let again = try await bridge.call("runs/stop", ["run_id": .string(runID)])
        #expect(again["success"] == false)
        #expect(again["message"]?.stringValue?.isEmpty == false)
    }

    @Test("list filters and pages a team's runs; stats counts them and measures durations")
    func listAndStats() async throws {
        let bridge = try startInProcess()
        let echo = try bridge.agentID("echo"), failing = try bridge.agentID("failing")
        var ids: [String] = []
        for agent in [echo, echo, failing] {
            ids.append(try await bridge.call("runs/start", ["agent_id": .string(agent)]).runID)
        }
        for id in ids { _ = try await bridge.call("runs/wait", ["run_id": .string(id), "timeout_s": 40], timeout: 50) }

        let echoes = try await bridge.call("runs/list", ["agent_id": .string(echo), "limit": 1])
        #expect(echoes["total"] == 2)
        #expect(echoes["data"]?.arrayValue?.count == 1)
        let failed = try await bridge.call("runs/list", ["status": ["failed"], "has_issues": true])
        #expect(failed["data"]?.arrayValue?.map { $0["id"]?.stringValue } == [ids[2]])
        #expect(failed["data"]?[0]?["issue_severity"] == "critical")
        let everything = try await bridge.call("runs/list", ["all": true, "sort_order": "asc"])
        #expect(everything["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ids)

        let stats = try await bridge.call("runs/stats", [:])
        #expect(stats["total"] == 3)
        #expect(stats["counts"] == ["completed": 2, "failed": 1])
        #expect(stats["failure_rate"]?.doubleValue.map { abs($0 - 1.0 / 3.0) < 0.001 } == true)
        #expect(stats["duration_seconds"]?["count"] == 3)
        #expect((stats["duration_seconds"]?["p95"]?.doubleValue ?? -1) >= (stats["duration_seconds"]?["p50"]?.doubleValue ?? 0))
    }

    @Test("rpc.discover answers with the very document in schema/openrpc.json")
    func discover() async throws {
        let bridge = try startInProcess()
        let document = try await bridge.call("rpc.discover")
        let file = try Data(contentsOf: PackagePaths.root.appendingPathComponent("schema/openrpc.json"))
        #expect(document == (try JSONParser().parse(file)))
        #expect(document["openrpc"]?.stringValue?.hasPrefix("1.") == true)
    }
}
