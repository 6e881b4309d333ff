import DuvoMCP
import Foundation
import JSONCore
import ServerTestSupport
import Testing
import TestSupport

/// MCP's edges through the server of `duvo rpc` in memory: revision negotiation, tool selection, errors the model
/// can read, waits that time out, report progress and are cancelled, forms declined or left empty, and tasks that are
/// declined, cancelled, interrupted or unknown. (The Python suites send the same through real SDKs over a pipe.)
@Suite("MCP in process: handshake, tool errors, waits and tasks", .timeLimit(.minutes(2)))
struct InProcessMCPEdgeTests {
    typealias MCP = InProcessMCPTests
    static let readOnlyTools = ["duvo_get_run", "duvo_list_messages", "duvo_list_runs", "duvo_wait_for_run",
                                "duvo_run_stats"]

    /// A 2025 session opened on a new server.
    static func session(_ revision: String = "2025-11-25", elicitation: Bool = false,
                        _ configure: (inout InProcessBridge.Setup) -> Void = { _ in }) async throws
        -> (InProcessBridge, JSONValue)
    {
        var setup = InProcessBridge.Setup()
        configure(&setup)
        let bridge = try InProcessBridge(setup)
        let initialized = try await bridge.call("initialize", [
            "protocolVersion": .string(revision),
            "capabilities": elicitation ? ["elicitation": [:]] : [:],
            "clientInfo": ["name": "in-process-test", "version": "1"],
        ])
        bridge.notify("notifications/initialized")
        return (bridge, initialized)
    }

    /// A tool result's text.
    static func text(_ result: JSONValue) -> String {
        (result["content"]?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
    }

    @Test("each supported revision is answered with itself, an unknown one with the latest",
          arguments: ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25", "2099-01-01"])
    func revisions(revision: String) async throws {
        let (_, initialized) = try await Self.session(revision)
        #expect(initialized["protocolVersion"] == (revision == "2099-01-01" ? "2025-11-25" : .string(revision)))
        #expect(initialized["serverInfo"]?["name"] == "duvo-bridge")
        #expect(initialized["capabilities"] == ["tools": ["listChanged": false], "logging": [:]])
    }

    @Test("a 2024-11-05 client gets what its revision knows: no output schemas, no structured content")
    func oldestRevision() async throws {
        let (bridge, _) = try await Self.session("2024-11-05")
        let tools = try await bridge.call("tools/list")["tools"]?.arrayValue ?? []
        #expect(tools.compactMap { $0["name"]?.stringValue } == MCP.tools)
        #expect(tools.allSatisfy { Set($0.objectValue?.keys ?? [:].keys) == ["name", "description", "inputSchema"] })
        let echo = try bridge.agentID("echo")
        let started = try await MCP.tool(bridge, "duvo_start_run", ["agent_id": .string(echo), "message": "old"])
        #expect(started["structuredContent"] == nil)
        let text = Self.text(started)
        #expect(text.hasPrefix("Started run "))
        let json = try #require(text.range(of: "\n\n").map { String(text[$0.upperBound...]) })
        #expect(try JSONParser().parse(json)["run"]?["agent_id"] == .string(echo))
    }

    @Test("unknown requests are -32601 at once; ping answers; a log level MCP does not name is -32602")
    func unknownRequests() async throws {
        let bridge = try InProcessBridge()
        for method in ["resources/list", "prompts/list", "sampling/whatever"] {
            #expect(try await bridge.request(method, [:])["error"]?["code"] == -32601, "\(method)")
        }
        _ = try await bridge.call("initialize", ["protocolVersion": "2025-11-25", "capabilities": [:],
                                                 "clientInfo": ["name": "t", "version": "1"]])
        #expect(try await bridge.call("ping") == [:])
        let bad = try await bridge.request("logging/setLevel", ["level": "verbose"])
        #expect(bad["error"]?["code"] == -32602)
        #expect(bad["error"]?["message"]?.stringValue?.contains("warning") == true)
    }

    @Test("read-only offers only reads and never asks a person; JSON-RPC methods on the same pipe still work")
    func readOnly() async throws {
        let (bridge, _) = try await Self.session(elicitation: true) { $0.mcp.readOnly = true }
        let tools = try await bridge.call("tools/list")["tools"]?.arrayValue ?? []
        #expect(tools.compactMap { $0["name"]?.stringValue } == Self.readOnlyTools)
        let refused = try await bridge.request("tools/call", [
            "name": "duvo_start_run", "arguments": ["agent_id": .string(try bridge.agentID("echo"))],
        ])
        #expect(refused["error"]?["code"] == -32602)
        let runID = try await bridge.call("runs/start", ["agent_id": .string(try bridge.agentID("approval"))]).runID
        let waited = try await MCP.tool(bridge, "duvo_wait_for_run", ["run_id": .string(runID), "timeout_s": 20])
        #expect(waited["structuredContent"]?["status"] == "waiting")
        #expect(waited["structuredContent"]?["next"]?.stringValue?.contains("read-only") == true, "\(waited)")
        #expect(!bridge.frames.contains { $0["method"] == "elicitation/create" })
    }

    @Test("--tools and --exclude-tools choose the tools, and the instructions name only those")
    func toolSelection() async throws {
        let (bridge, initialized) = try await Self.session { setup in
            setup.mcp.include = ["duvo_get_run", "duvo_wait_for_run", "duvo_stop_run"]
            setup.mcp.exclude = ["duvo_stop_run"]
        }
        let tools = try await bridge.call("tools/list")["tools"]?.arrayValue ?? []
        #expect(tools.compactMap { $0["name"]?.stringValue } == ["duvo_get_run", "duvo_wait_for_run"])
        let instructions = initialized["instructions"]?.stringValue ?? ""
        let named = Set(instructions.split(whereSeparator: { !($0.isLetter || $0 == "_") })
            .filter { $0.hasPrefix("duvo_") }.map(String.init))
        #expect(named == ["duvo_get_run", "duvo_wait_for_run"], "\(instructions)")
    }

    @Test("bad input and Duvo's errors are tool results the model can read; an unknown tool is -32602 naming tools")
    func toolErrors() async throws {
        let (bridge, _) = try await Self.session()
        func failing(_ name: String, _ arguments: JSONValue) async throws -> String {
            let result = try await bridge.call("tools/call", ["name": .string(name), "arguments": arguments])
            #expect(result["isError"] == true, "\(name) \(arguments): \(result)")
            return Self.text(result)
        }
        let notUUID = try await failing("duvo_get_run", ["run_id": "not-a-uuid"])
        #expect(notUUID.contains("run_id") && notUUID.contains("UUID"), "\(notUUID)")
        let misspelt = try await failing("duvo_get_run", ["runId": .string(UUID().uuidString)])
        #expect(misspelt.contains("runId") && misspelt.contains("run_id (required)"), "\(misspelt)")
        let unknown = try await failing("duvo_get_run", ["run_id": .string(UUID().uuidString)])
        #expect(unknown.contains("duvo_list_runs"), "\(unknown)")
        let timeout = try await failing("duvo_wait_for_run", ["run_id": .string(UUID().uuidString), "timeout_s": -1])
        #expect(timeout.contains("timeout_s"), "\(timeout)")
        let coffee = try await bridge.request("tools/call", ["name": "duvo_make_coffee", "arguments": [:]])
        #expect(coffee["error"]?["code"] == -32602)
        #expect(coffee["error"]?["message"]?.stringValue?.contains("duvo_get_run") == true)
    }

    @Test("a wait returns within its timeout and says to call again; a longer one reports progress as it goes")
    func waitTimeoutAndProgress() async throws {
        // The slow agent works about 3 minutes of simulated time: at 20x, long enough that the second wait still sees
        // it running when the whole suite loads the machine.
        let (bridge, _) = try await Self.session { $0.speed = 20 }
        let slow = try bridge.agentID("slow")
        let started = try await MCP.tool(bridge, "duvo_start_run", ["agent_id": .string(slow)])
        let runID = try #require(started["structuredContent"]?["run"]?["id"]?.stringValue)
        let short = try await MCP.tool(bridge, "duvo_wait_for_run", ["run_id": .string(runID), "timeout_s": 0.5])
        #expect(short["structuredContent"]?["finished"] == false)
        #expect(short["structuredContent"]?["timed_out"] == true)
        #expect(short["structuredContent"]?["next"]?.stringValue?.contains(
            "call duvo_wait_for_run again with run_id \(runID)") == true, "\(short)")

        let done = try await bridge.call("tools/call", [
            "name": "duvo_wait_for_run", "arguments": ["run_id": .string(runID)], "_meta": ["progressToken": "p-1"],
        ], timeout: 60)
        #expect(done["structuredContent"]?["finished"] == true)
        let reports = bridge.frames.filter { $0["method"] == "notifications/progress" }.compactMap { $0["params"] }
        #expect(reports.count >= 2)
        #expect(reports.allSatisfy { $0["progressToken"] == "p-1" })
        let progress = reports.compactMap { $0["progress"]?.doubleValue }
        #expect(progress == progress.sorted() && Set(progress).count == progress.count, "\(progress)")
        let messages = reports.compactMap { $0["message"]?.stringValue }
        #expect(messages.contains { $0.contains("running") }, "\(messages)")
        #expect(messages.contains { $0.contains("Exported batch") || $0.contains("Starting a long export") })
    }

    @Test("a wait cancelled with notifications/cancelled is dropped unanswered, and the session goes on")
    func cancelledWait() async throws {
        let (bridge, _) = try await Self.session()
        let started = try await MCP.tool(bridge, "duvo_start_run", ["agent_id": .string(try bridge.agentID("slow"))])
        let runID = try #require(started["structuredContent"]?["run"]?["id"]?.stringValue)
        bridge.send(["jsonrpc": "2.0", "id": "wait", "method": "tools/call",
                     "params": ["name": "duvo_wait_for_run", "arguments": ["run_id": .string(runID)]]])
        bridge.notify("notifications/cancelled", ["requestId": "wait", "reason": "the user moved on"])
        let got = try await MCP.tool(bridge, "duvo_get_run", ["run_id": .string(runID)])
        #expect(got["structuredContent"]?["run"]?["id"]?.stringValue == runID)
        _ = try await MCP.tool(bridge, "duvo_stop_run", ["run_id": .string(runID)])
        bridge.closeInput()
        #expect(await bridge.stopped() != nil)
        #expect(!bridge.frames.contains { $0["id"] == "wait" }, "a cancelled request is owed no answer")
    }

    @Test("a wait sent right after the client cancelled one keeps to the patience that cancel showed")
    func patienceLearntBeforeTheNextWait() async throws {
        // At 10x the slow agent works about 18 s: far longer than the second wait may last.
        let (bridge, _) = try await Self.session { $0.speed = 10 }
        let started = try await MCP.tool(bridge, "duvo_start_run", ["agent_id": .string(try bridge.agentID("slow"))])
        let runID = try #require(started["structuredContent"]?["run"]?["id"]?.stringValue)
        bridge.send(["jsonrpc": "2.0", "id": "wait", "method": "tools/call",
                     "params": ["name": "duvo_wait_for_run", "arguments": ["run_id": .string(runID)]]])
        try await Task.sleep(for: .seconds(1))
        // The cancel and the next wait back to back, as an SDK sends them when its own timeout fires.
        bridge.notify("notifications/cancelled", ["requestId": "wait", "reason": "client timeout"])
        let next = try await MCP.tool(bridge, "duvo_wait_for_run", ["run_id": .string(runID)])
        #expect(next["structuredContent"]?["finished"] == false, "\(next)")
        #expect(next["structuredContent"]?["timed_out"] == true, "\(next)")
        _ = try await MCP.tool(bridge, "duvo_stop_run", ["run_id": .string(runID)])
    }

    /// In a 2025 session with elicitation, starts `agent`, answers the one form the server sends with `answer`, and
    /// waits until the run finishes or the wait hands it back: (the bridge, the run id, the form, the last wait).
    static func askedThroughElicitation(_ revision: String, agent: String, answer: JSONValue) async throws
        -> (InProcessBridge, String, JSONValue, JSONValue)
    {
        let (bridge, _) = try await Self.session(revision, elicitation: true)
        let started = try await MCP.tool(bridge, "duvo_start_run", ["agent_id": .string(try bridge.agentID(agent))])
        let runID = try #require(started["structuredContent"]?["run"]?["id"]?.stringValue)
        let person = Task {
            let ask = try await bridge.frame(timeout: 60) { $0["method"] == "elicitation/create" && $0["id"] != nil }
            bridge.send(["jsonrpc": "2.0", "id": ask["id"] ?? .null, "result": answer])
            return ask
        }
        var waited: JSONValue = .null
        for _ in 0..<10 where waited["finished"] != true && waited["next"]?.stringValue?.contains("declined") != true {
            let result = try await MCP.tool(bridge, "duvo_wait_for_run", ["run_id": .string(runID), "timeout_s": 20])
            waited = result["structuredContent"] ?? .null
        }
        return (bridge, runID, try await person.value, waited)
    }

    @Test("2025: questions become choices, multi-select an array; a 2025-06-18 client gets text and no mode")
    func questionsThroughElicitation() async throws {
        let (bridge, runID, asked, finished) = try await Self.askedThroughElicitation(
            "2025-11-25", agent: "questions",
            answer: ["action": "accept", "content": ["city": "Lisbon", "days": ["Monday", "Friday"]]])
        #expect(finished["status"] == "completed")
        let schema = asked["params"]?["requestedSchema"]
        #expect(schema?["properties"]?["city"]?["enum"] == ["Lisbon", "Prague", "Berlin"])
        #expect(schema?["properties"]?["city"]?["description"]?.stringValue?.contains("Warm, direct flights") == true)
        #expect(schema?["properties"]?["days"]?["type"] == "array")
        #expect(schema?["properties"]?["days"]?["items"]?["enum"]?[0] == "Monday")
        #expect(Set(schema?["required"]?.arrayValue ?? []) == ["city", "days"])
        let summary = try await MCP.texts(bridge, runID: runID).first { $0.hasPrefix("Summary of your answers") }
        #expect(summary?.contains("Lisbon") == true && summary?.contains("Monday,Friday") == true, "\(summary ?? "")")

        let (_, _, older, done) = try await Self.askedThroughElicitation(
            "2025-06-18", agent: "questions",
            answer: ["action": "accept", "content": ["city": "Berlin", "days": "Monday, Tuesday"]])
        #expect(done["status"] == "completed")
        #expect(older["params"]?["mode"] == nil)
        let days = older["params"]?["requestedSchema"]?["properties"]?["days"]
        #expect(days?["type"] == "string")
        #expect(days?["description"]?.stringValue?.contains("comma-separated") == true, "\(days ?? .null)")
    }

    @Test("2025: a declined form comes back to the model, which can still answer through the respond tool")
    func declinedElicitation() async throws {
        let (bridge, runID, _, paused) = try await Self.askedThroughElicitation(
            "2025-11-25", agent: "approval", answer: ["action": "decline"])
        #expect(paused["finished"] == false)
        #expect(paused["status"] == "waiting")
        #expect(paused["pending_human_request"]?["title"] == "Send the weekly sales report?")
        #expect(paused["next"]?.stringValue?.contains("duvo_respond_to_human_request") == true, "\(paused)")
        _ = try await MCP.tool(bridge, "duvo_respond_to_human_request", ["run_id": .string(runID), "approved": true])
        #expect(bridge.frames.filter { $0["method"] == "elicitation/create" }.count == 1, "asked once")
    }

    @Test("2025: a form nobody answers is withdrawn after the form patience (notifications/cancelled), and the wait answers with the pending request")
    func unansweredElicitation() async throws {
        let (bridge, _) = try await Self.session(elicitation: true) { $0.mcp.formPatience = .seconds(1) }
        let started = try await MCP.tool(bridge, "duvo_start_run",
                                         ["agent_id": .string(try bridge.agentID("approval"))])
        let runID = try #require(started["structuredContent"]?["run"]?["id"]?.stringValue)
        let waited = try await MCP.tool(bridge, "duvo_wait_for_run", ["run_id": .string(runID), "timeout_s": 20])
        let ask = try #require(bridge.frames.first { $0["method"] == "elicitation/create" && $0["id"] != nil })
        let withdrawn = bridge.frames.first { $0["method"] == "notifications/cancelled" }
        #expect(withdrawn?["params"]?["requestId"] == ask["id"], "the client is told the form is withdrawn")
        let result = waited["structuredContent"]
        #expect(result?["status"] == "waiting")
        #expect(result?["pending_human_request"]?["title"] == "Send the weekly sales report?")
        #expect(result?["next"]?.stringValue?.contains("withdrawn") == true, "\(result ?? .null)")
        #expect(result?["next"]?.stringValue?.contains("duvo_respond_to_human_request") == true)
        _ = try await MCP.tool(bridge, "duvo_stop_run", ["run_id": .string(runID)])
    }

    @Test("2025: a form left open while the run is stopped elsewhere is withdrawn, and the wait reports the stop")
    func formWithdrawnWhenTheRunMovesOn() async throws {
        let (bridge, _) = try await Self.session(elicitation: true)
        let started = try await MCP.tool(bridge, "duvo_start_run",
                                         ["agent_id": .string(try bridge.agentID("approval"))])
        let runID = try #require(started["structuredContent"]?["run"]?["id"]?.stringValue)
        async let waited = MCP.tool(bridge, "duvo_wait_for_run", ["run_id": .string(runID), "timeout_s": 40])
        let ask = try await bridge.frame(timeout: 60) { $0["method"] == "elicitation/create" && $0["id"] != nil }
        // Nobody answers the form; the run is stopped meanwhile (another client, the CLI, Duvo's UI).
        _ = try await bridge.call("runs/stop", ["run_id": .string(runID)])
        let result = try await waited["structuredContent"]
        #expect(result?["status"] == "stopped", "\(result ?? .null)")
        #expect(result?["finished"] == true)
        let withdrawn = bridge.frames.first { $0["method"] == "notifications/cancelled" }
        #expect(withdrawn?["params"]?["requestId"] == ask["id"], "the open form is withdrawn")
    }

    /// A 2026 approval run and its first `input_required` round: (bridge, run id, the round).
    static func firstRound() async throws -> (InProcessBridge, String, JSONValue) {
        let bridge = try InProcessBridge()
        let started = try await MCP.tool(bridge, "duvo_start_run",
                                         ["agent_id": .string(try bridge.agentID("approval"))], meta: MCP.meta())
        let runID = try #require(started["structuredContent"]?["run"]?["id"]?.stringValue)
        var round: JSONValue = .null
        for _ in 0..<10 where round["resultType"] != "input_required" {
            round = try await bridge.call("tools/call", Self.wait(runID), timeout: 60)
        }
        #expect(round["resultType"] == "input_required")
        return (bridge, runID, round)
    }

    static func wait(_ runID: String, answering round: JSONValue? = nil, with response: JSONValue? = nil)
        -> JSONValue
    {
        var params: JSONValue = ["name": "duvo_wait_for_run", "arguments": ["run_id": .string(runID), "timeout_s": 20],
                                 "_meta": MCP.meta()]
        if let round, let response, let key = round["inputRequests"]?.objectValue?.keys.first {
            params["inputResponses"] = .object([key: response])
            params["requestState"] = round["requestState"]
        }
        return params
    }

    @Test("2026: an accepted form without its answer is asked again; a declined one leaves the request pending")
    func emptyAndDeclinedForms() async throws {
        let (bridge, runID, round) = try await Self.firstRound()
        let key = try #require(round["inputRequests"]?.objectValue?.keys.first)
        let again = try await bridge.call("tools/call", Self.wait(runID, answering: round,
                                                                  with: ["action": "accept", "content": [:]]))
        #expect(again["resultType"] == "input_required")
        #expect(again["inputRequests"]?.objectValue.map { Array($0.keys) } == [key])

        let declined = try await bridge.call("tools/call", Self.wait(runID, answering: again,
                                                                     with: ["action": "decline"]), timeout: 60)
        #expect(declined["structuredContent"]?["finished"] == false)
        #expect(declined["structuredContent"]?["next"]?.stringValue?.contains("The user declined to answer") == true,
                "\(declined)")
        let still = try await MCP.tool(bridge, "duvo_get_run", ["run_id": .string(runID)], meta: MCP.meta())
        #expect(still["structuredContent"]?["run"]?["status"] == "waiting")
        #expect((still["structuredContent"]?["pending_human_request"] ?? .null) != .null)
    }

    /// Starts `agent` as a task and returns the task's id.
    static func startTask(_ bridge: InProcessBridge, _ agent: String) async throws -> String {
        let created = try await bridge.call("tools/call", [
            "name": "duvo_start_run", "arguments": ["agent_id": .string(try bridge.agentID(agent))],
            "_meta": MCP.meta(tasks: true),
        ])
        #expect(created["resultType"] == "task")
        return try #require(created["taskId"]?.stringValue)
    }

    /// Polls `tasks/get` until the task's status is one of `statuses`, no faster than its `pollIntervalMs`.
    static func poll(_ bridge: InProcessBridge, _ taskID: String, until statuses: Set<String>) async throws
        -> JSONValue
    {
        let deadline = Date().addingTimeInterval(60)
        while true {
            let task = try await bridge.call("tasks/get", ["taskId": .string(taskID), "_meta": MCP.meta(tasks: true)])
            if let status = task["status"]?.stringValue, statuses.contains(status) { return task }
            guard Date() < deadline else { throw TimedOut(what: "task \(taskID) in \(statuses)", stderr: "") }
            let interval = min(max(task["pollIntervalMs"]?.intValue ?? 100, 10), 1_000)
            try await Task.sleep(nanoseconds: UInt64(interval) * 1_000_000)
        }
    }

    @Test("tasks: a declined update leaves the task waiting; cancel stops the run; an interrupted run is a tool error")
    func taskEdges() async throws {
        let bridge = try InProcessBridge()
        let approval = try await Self.startTask(bridge, "approval")
        let waiting = try await Self.poll(bridge, approval, until: ["input_required"])
        let key = try #require(waiting["inputRequests"]?.objectValue?.keys.first)
        let ack = try await bridge.call("tasks/update", [
            "taskId": .string(approval), "_meta": MCP.meta(tasks: true),
            "inputResponses": .object([key: ["action": "decline"]]),
        ])
        #expect(ack["resultType"] == "complete")
        let again = try await Self.poll(bridge, approval, until: ["input_required", "completed", "cancelled"])
        #expect(again["status"] == "input_required")
        #expect(again["inputRequests"]?[key] != nil)

        let slow = try await Self.startTask(bridge, "slow")
        let cancelled = try await bridge.call("tasks/cancel", ["taskId": .string(slow), "_meta": MCP.meta(tasks: true)])
        #expect(cancelled["resultType"] == "complete")
        #expect(try await Self.poll(bridge, slow, until: ["cancelled", "completed"])["status"] == "cancelled")
        let run = try await MCP.tool(bridge, "duvo_get_run", ["run_id": .string(slow)], meta: MCP.meta())
        #expect(run["structuredContent"]?["run"]?["status"] == "stopped")

        let interrupted = try await Self.startTask(bridge, "interrupted")
        let done = try await Self.poll(bridge, interrupted, until: ["completed", "failed", "cancelled"])
        #expect(done["status"] == "completed")
        #expect(done["result"]?["isError"] == true)
        #expect(Self.text(done["result"] ?? .null).contains("interrupted"))
    }

    @Test("tasks: unknown ids and a missing taskId are -32602; a client without the extension gets -32021")
    func unknownTasks() async throws {
        let bridge = try InProcessBridge()
        for taskID in ["not-a-task", "00000000-0000-4000-8000-000000000000"] {
            let answer = try await bridge.request("tasks/get", ["taskId": .string(taskID),
                                                                "_meta": MCP.meta(tasks: true)])
            #expect(answer["error"]?["code"] == -32602)
            #expect(answer["error"]?["message"]?.stringValue?.lowercased().contains("task") == true, "\(answer)")
        }
        let missing = try await bridge.request("tasks/get", ["_meta": MCP.meta(tasks: true)])
        #expect(missing["error"]?["code"] == -32602)
        #expect(missing["error"]?["data"]?["field"] == "taskId")
        let refused = try await bridge.request("subscriptions/listen", ["notifications": ["taskIds": ["x"]],
                                                                         "_meta": MCP.meta()])
        #expect(refused["error"]?["code"] == -32021)
        #expect(refused["error"]?["data"]?["requiredCapabilities"] == [
            "extensions": [.init(stringLiteral: MCP.tasksExtension): [:]],
        ])
    }

    @Test("subscriptions/listen follows a task named twice (in either case) once, and tells each state of it once")
    func listenTellsEachStateOnce() async throws {
        let bridge = try InProcessBridge()
        let taskID = try await Self.startTask(bridge, "echo")
        bridge.send(["jsonrpc": "2.0", "id": "listen", "method": "subscriptions/listen", "params": [
            "notifications": ["taskIds": [.string(taskID), .string(taskID), .string(taskID.uppercased())]],
            "_meta": MCP.meta(tasks: true),
        ]])
        _ = try await bridge.frame(timeout: 60) {
            $0["method"] == "notifications/tasks" && $0["params"]?["status"] == "completed"
        }
        try await Task.sleep(for: .milliseconds(300))  // anything more the stream would send
        let told = bridge.frames.filter { $0["method"] == "notifications/tasks" }.compactMap { $0["params"] }
        #expect(told.filter { $0["status"] == "completed" }.count == 1, "\(told)")
        for (earlier, later) in zip(told, told.dropFirst()) {
            #expect(earlier["status"] != later["status"] || earlier["statusMessage"] != later["statusMessage"],
                    "the same state told twice: \(later)")
        }
        bridge.notify("notifications/cancelled", ["requestId": "listen"])
    }

    @Test("subscriptions/listen follows at most 100 tasks per stream: 101 ids are -32602 and nothing is followed")
    func tooManyTasks() async throws {
        let bridge = try InProcessBridge()
        let ids = (0...100).map { JSONValue.string(String(format: "00000000-0000-4000-8000-%012d", $0)) }
        let refused = try await bridge.request("subscriptions/listen", ["notifications": ["taskIds": .array(ids)],
                                                                         "_meta": MCP.meta(tasks: true)])
        #expect(refused["error"]?["code"] == -32602, "\(refused)")
        #expect(refused["error"]?["data"]?["field"] == "notifications.taskIds")
    }
}

extension JSONValue {
    /// The run id of a `{run: {...}}` result.
    fileprivate var runID: String { self["run"]?["id"]?.stringValue ?? "" }
}
