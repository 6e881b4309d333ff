import Foundation
import JSONCore
import ServerTestSupport
import Testing
import TestSupport

/// MCP through the server of `duvo rpc` in memory, on a simulator in this process: a 2025 session with elicitation,
/// 2026-07-28 stateless requests with an `input_required` round, and runs as tasks. (The Python suites drive the same
/// server through the official SDK over a real pipe.)
@Suite("MCP in process", .timeLimit(.minutes(2)))
struct InProcessMCPTests {
    static let tools = [
        "duvo_start_run", "duvo_get_run", "duvo_list_messages", "duvo_send_message", "duvo_respond_to_human_request",
        "duvo_stop_run", "duvo_list_runs", "duvo_wait_for_run", "duvo_run_stats",
    ]
    static let tasksExtension = "io.modelcontextprotocol/tasks"

    /// A 2026-07-28 request's `_meta`, declaring form elicitation and, when asked, the Tasks extension.
    static func meta(tasks: Bool = false, elicitation: Bool = true) -> JSONValue {
        var capabilities: [String: JSONValue] = [:]
        if elicitation { capabilities["elicitation"] = ["form": [:]] }
        if tasks { capabilities["extensions"] = [.init(stringLiteral: tasksExtension): [:]] }
        return ["io.modelcontextprotocol/protocolVersion": "2026-07-28",
                "io.modelcontextprotocol/clientCapabilities": .object(capabilities),
                "io.modelcontextprotocol/clientInfo": ["name": "in-process-test", "version": "1"]]
    }

    /// Calls a tool and returns its result, which must not be a tool error.
    static func tool(_ bridge: InProcessBridge, _ name: String, _ arguments: JSONValue, meta: JSONValue? = nil)
        async throws -> JSONValue
    {
        var params: JSONValue = ["name": .string(name), "arguments": arguments]
        if let meta { params["_meta"] = meta }
        let result = try await bridge.call("tools/call", params, timeout: 60)
        #expect(result["isError"] == false, "\(name): \(result)")
        return result
    }

    /// The texts of a run's messages, through the tool.
    static func texts(_ bridge: InProcessBridge, runID: String, meta: JSONValue? = nil) async throws -> [String] {
        let listed = try await tool(bridge, "duvo_list_messages", ["run_id": .string(runID), "limit": 100], meta: meta)
        let messages = listed["structuredContent"]?["messages"]?.arrayValue ?? []
        return messages.compactMap { $0["text_content"]?.stringValue }
    }

    @Test("a 2025 session lists the tools, starts and waits on a run, and asks the person through elicitation/create")
    func sessionWithElicitation() async throws {
        let bridge = try InProcessBridge()
        let initialized = try await bridge.call("initialize", [
            "protocolVersion": "2025-11-25", "capabilities": ["elicitation": ["form": [:]]],
            "clientInfo": ["name": "in-process-test", "version": "1"],
        ])
        #expect(initialized["protocolVersion"] == "2025-11-25")
        #expect(initialized["serverInfo"]?["name"] == "duvo-bridge")
        bridge.notify("notifications/initialized")
        let listed = try await bridge.call("tools/list")
        #expect((listed["tools"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue } == Self.tools)
        #expect(listed["resultType"] == nil, "a 2025 result carries no 2026 tag")

        let approval = try bridge.agentID("approval")
        let started = try await Self.tool(bridge, "duvo_start_run", ["agent_id": .string(approval)])
        let runID = try #require(started["structuredContent"]?["run"]?["id"]?.stringValue)
        // The person answers the form the server sends while a wait is in flight.
        let person = Task {
            let ask = try await bridge.frame(timeout: 60) { $0["method"] == "elicitation/create" && $0["id"] != nil }
            bridge.send(["jsonrpc": "2.0", "id": ask["id"] ?? .null,
                         "result": ["action": "accept", "content": ["approved": true]]])
            return ask
        }
        var finished: JSONValue = .null
        for _ in 0..<10 where finished["finished"] != true {
            let waited = try await Self.tool(bridge, "duvo_wait_for_run", ["run_id": .string(runID), "timeout_s": 20])
            finished = waited["structuredContent"] ?? .null
        }
        let asked = try await person.value
        #expect(finished["finished"] == true)
        #expect(finished["status"] == "completed")
        #expect(finished["next"]?.stringValue?.contains(
            "The user answered \"Send the weekly sales report?\": approved.") == true, "\(finished)")
        #expect(bridge.frames.filter { $0["method"] == "elicitation/create" }.count == 1, "asked once")
        let schema = asked["params"]?["requestedSchema"]
        #expect(schema?["properties"]?["approved"]?["type"] == "boolean")
        #expect(schema?["required"] == ["approved"])
        #expect(try await Self.texts(bridge, runID: runID).contains("Approved: I sent the report to 3 recipients."))
    }

    @Test("2026 requests stand on their own _meta; questions go through input_required; a forged state is refused")
    func statelessInputRequired() async throws {
        let bridge = try InProcessBridge()
        let listed = try await bridge.call("tools/list", ["_meta": Self.meta()])
        #expect(listed["resultType"] == "complete")
        #expect((listed["ttlMs"]?.intValue ?? 0) > 0)
        #expect((listed["tools"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue } == Self.tools)

        let started = try await Self.tool(bridge, "duvo_start_run",
                                          ["agent_id": .string(try bridge.agentID("questions"))], meta: Self.meta())
        #expect(started["resultType"] == "complete")
        let runID = try #require(started["structuredContent"]?["run"]?["id"]?.stringValue)
        let wait: JSONValue = ["name": "duvo_wait_for_run", "arguments": ["run_id": .string(runID), "timeout_s": 20],
                               "_meta": Self.meta()]
        var round: JSONValue = .null
        for _ in 0..<10 where round["resultType"] != "input_required" {
            round = try await bridge.call("tools/call", wait, timeout: 60)
        }
        #expect(round["resultType"] == "input_required")
        let requests = try #require(round["inputRequests"]?.objectValue)
        let (key, request) = try #require(requests.first)
        #expect(requests.count == 1)
        #expect(request["method"] == "elicitation/create")
        let properties = request["params"]?["requestedSchema"]?["properties"]
        #expect(properties?["city"]?["enum"] == ["Lisbon", "Prague", "Berlin"])
        #expect(properties?["days"]?["type"] == "array")
        let state = try #require(round["requestState"]?.stringValue)
        let answers: JSONValue = [.init(stringLiteral: key): [
            "action": "accept", "content": ["city": "Lisbon", "days": ["Monday", "Friday"]],
        ]]

        var forged = wait
        forged["inputResponses"] = answers
        forged["requestState"] = "eyJ2IjoxfQ.00"
        let refused = try await bridge.request("tools/call", forged)
        #expect(refused["error"]?["code"] == -32602)
        #expect(refused["error"]?["message"]?.stringValue?.contains("requestState refused") == true, "\(refused)")
        let still = try await Self.tool(bridge, "duvo_get_run", ["run_id": .string(runID)], meta: Self.meta())
        #expect(still["structuredContent"]?["run"]?["status"] == "waiting", "a refused state changes nothing")

        var answered = wait
        answered["inputResponses"] = answers
        answered["requestState"] = .string(state)
        var result = try await bridge.call("tools/call", answered, timeout: 60)
        for _ in 0..<10 where result["structuredContent"]?["finished"] != true {
            result = try await bridge.call("tools/call", wait, timeout: 60)
        }
        #expect(result["resultType"] == "complete")
        #expect(result["structuredContent"]?["status"] == "completed")
        let summary = try await Self.texts(bridge, runID: runID, meta: Self.meta())
            .first { $0.hasPrefix("Summary of your answers") }
        #expect(summary?.contains("Lisbon") == true && summary?.contains("Monday,Friday") == true, "\(summary ?? "")")
    }

    @Test("without elicitation a wait hands the model the pending request, and the respond tool answers it")
    func respondTool() async throws {
        let bridge = try InProcessBridge()
        let noForms = Self.meta(elicitation: false)
        let approval = try bridge.agentID("approval")
        let started = try await Self.tool(bridge, "duvo_start_run", ["agent_id": .string(approval)], meta: noForms)
        let runID = try #require(started["structuredContent"]?["run"]?["id"]?.stringValue)
        let wait: JSONValue = ["run_id": .string(runID), "timeout_s": 20]
        var paused: JSONValue = .null
        for _ in 0..<10 where paused["finished"] != true && (paused["pending_human_request"] ?? .null) == .null {
            paused = try await Self.tool(bridge, "duvo_wait_for_run", wait, meta: noForms)["structuredContent"] ?? .null
        }
        #expect(paused["finished"] == false)
        #expect(paused["status"] == "waiting")
        #expect(paused["pending_human_request"]?["type"] == "approval")
        #expect(paused["next"]?.stringValue?.contains("duvo_respond_to_human_request") == true, "\(paused)")
        #expect(!bridge.frames.contains { $0["method"] == "elicitation/create" }, "no form for a client without them")

        let answered = try await Self.tool(bridge, "duvo_respond_to_human_request",
                                           ["run_id": .string(runID), "approved": true], meta: noForms)
        #expect(answered["resultType"] == "complete")
        var finished: JSONValue = .null
        for _ in 0..<10 where finished["finished"] != true {
            let waited = try await Self.tool(bridge, "duvo_wait_for_run", wait, meta: noForms)
            finished = waited["structuredContent"] ?? .null
        }
        #expect(finished["status"] == "completed")
        #expect(try await Self.texts(bridge, runID: runID, meta: noForms)
            .contains("Approved: I sent the report to 3 recipients."))
    }

    @Test("a start is a task for a client that declares the extension: tasks/get to input_required, tasks/update, done")
    func runAsTask() async throws {
        let bridge = try InProcessBridge()
        let approval = try bridge.agentID("approval")
        let plain = try await Self.tool(bridge, "duvo_start_run", ["agent_id": .string(approval)], meta: Self.meta())
        #expect(plain["resultType"] == "complete", "no extension declared, no task")
        let created = try await bridge.call("tools/call", [
            "name": "duvo_start_run", "arguments": ["agent_id": .string(approval)], "_meta": Self.meta(tasks: true),
        ])
        #expect(created["resultType"] == "task")
        #expect(created["status"] == "working")
        let taskID = try #require(created["taskId"]?.stringValue)

        func poll(until statuses: Set<String>) async throws -> JSONValue {
            let deadline = Date().addingTimeInterval(60)
            while true {
                let task = try await bridge.call("tasks/get",
                                                 ["taskId": .string(taskID), "_meta": Self.meta(tasks: true)])
                #expect(task["resultType"] == "complete")
                if let status = task["status"]?.stringValue, statuses.contains(status) { return task }
                guard Date() < deadline else { throw TimedOut(what: "task \(taskID) in \(statuses)", stderr: "") }
                let interval = min(max(task["pollIntervalMs"]?.intValue ?? 100, 10), 1_000)
                try await Task.sleep(nanoseconds: UInt64(interval) * 1_000_000)
            }
        }
        let waiting = try await poll(until: ["input_required", "completed", "failed", "cancelled"])
        #expect(waiting["status"] == "input_required", "\(waiting)")
        let (key, request) = try #require(waiting["inputRequests"]?.objectValue?.first)
        #expect(request["method"] == "elicitation/create")
        #expect(request["params"]?["requestedSchema"]?["properties"]?["approved"]?["type"] == "boolean")
        let ack = try await bridge.call("tasks/update", [
            "taskId": .string(taskID), "_meta": Self.meta(tasks: true),
            "inputResponses": [.init(stringLiteral: key): ["action": "accept", "content": ["approved": true]]],
        ])
        #expect(ack["resultType"] == "complete")
        let done = try await poll(until: ["completed", "failed", "cancelled"])
        #expect(done["status"] == "completed")
        #expect(done["result"]?["isError"] == false)
        #expect(done["result"]?["structuredContent"]?["run"]?["status"] == "completed")
    }

    @Test("bad _meta gets the specification's errors, and the server keeps serving")
    func badMeta() async throws {
        let bridge = try InProcessBridge()
        let noCapabilities = try await bridge.request("tools/list", [
            "_meta": ["io.modelcontextprotocol/protocolVersion": "2026-07-28"],
        ])
        #expect(noCapabilities["error"]?["code"] == -32602)
        #expect(noCapabilities["error"]?["message"]?.stringValue?.contains("clientCapabilities") == true)
        var future = Self.meta()
        future["io.modelcontextprotocol/protocolVersion"] = "2099-01-01"
        let unsupported = try await bridge.request("server/discover", ["_meta": future])
        #expect(unsupported["error"]?["code"] == -32022)
        #expect(unsupported["error"]?["data"]?["requested"] == "2099-01-01")
        let undeclared = try await bridge.request("tasks/get", ["taskId": "x", "_meta": Self.meta()])
        #expect(undeclared["error"]?["code"] == -32021)
        #expect(try await bridge.call("tools/list", ["_meta": Self.meta()])["resultType"] == "complete")
    }
}
