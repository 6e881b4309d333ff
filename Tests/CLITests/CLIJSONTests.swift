import Foundation
import JSONCore
import Testing
import TestSupport

@Suite("duvo runs: --json prints Duvo's bodies, plus the docs' names on messages")
struct CLIJSONTests {
    @Test("start and get print {run: ...} so the docs' jq '.run.id' and '.run.status' work")
    func startAndGet() async throws {
        let cli = try await CLIHarness.simulated()
        let agent = try SimAgents.id("echo")
        let started = try await cli.runs(["start", "--agent", agent, "--message", "hi", "--json"])
        #expect(started.status == 0, "\(started)")
        #expect(started.stdout.split(separator: "\n").count == 1, "one document, one line")
        let run = try started.json["run"]
        let runID = try #require(run?["id"]?.stringValue)
        #expect(run?["agent_id"]?.stringValue == agent)
        let got = try await cli.runs(["get", runID, "--json"]).json
        #expect(got["run"]?["id"]?.stringValue == runID)
        #expect(got["run"]?["status"]?.stringValue != nil)
        #expect(got["pending_human_request"] != nil, "the wire field is passed through, null included")
    }

    @Test("messages --json keeps the wire page and adds content to every message")
    func messagesContent() async throws {
        let cli = try await CLIHarness.simulated()
        let runID = try await cli.start("approval", waitUntil: "attention")
        let page = try await cli.runs(["messages", runID, "--json"]).json
        let messages = try #require(page["messages"]?.arrayValue)
        #expect(page["total"]?.intValue == messages.count)
        #expect(messages.allSatisfy { $0["content"]?.stringValue != nil })
        let text = try #require(messages.first { $0["text_content"] != nil })
        #expect(text["content"] == text["text_content"])
        let call = try #require(messages.first { $0["type"]?.stringValue == "tool_call" })
        #expect(call["content"]?.stringValue == #"load_recipients({"list":"sales-weekly"})"#)
        let result = try #require(messages.first { $0["type"]?.stringValue == "tool_result" })
        #expect(result["content"]?.stringValue == #"ok: {"recipients":3}"#)
    }

    @Test("a human request is 'pending' until answered, then 'responded'")
    func humanRequestStatus() async throws {
        let cli = try await CLIHarness.simulated()
        let runID = try await cli.start("approval", waitUntil: "attention")
        func requestStatus() async throws -> String? {
            let page = try await cli.runs(["messages", runID, "--json"]).json
            return page["messages"]?.arrayValue?.first { $0["type"]?.stringValue == "human_request" }?["status"]?
                .stringValue
        }
        #expect(try await requestStatus() == "pending")
        let answer = try await cli.runs(["respond", runID, "--approve", "--json"])
        #expect(answer.status == 0, "\(answer)")
        #expect(try answer.json["human_request"]?["id"]?.stringValue != nil)
        #expect(try await requestStatus() == "responded")
    }

    @Test("--limit and --offset give one page; without them every message comes back")
    func paging() async throws {
        let cli = try await CLIHarness.simulated()
        let runID = try await cli.start("chatty", waitUntil: "terminal")
        let all = try await cli.runs(["messages", runID, "--json"]).json
        let total = try #require(all["total"]?.intValue)
        #expect(total > 100, "chatty writes more than one page")
        #expect(all["messages"]?.arrayValue?.count == total)
        let page = try await cli.runs(["messages", runID, "--limit", "5", "--offset", "10", "--json"]).json
        #expect(page["messages"]?.arrayValue?.count == 5)
        #expect(page["messages"]?[0]?["id"] == all["messages"]?[10]?["id"])
    }

    @Test("send-message, stop, list, stats and wait print their documented shapes")
    func otherShapes() async throws {
        let cli = try await CLIHarness.simulated()
        let echo = try await cli.start("echo", waitUntil: "terminal")
        let sent = try await cli.runs(["send-message", echo, "--message", "again", "--json"]).json
        #expect(sent["message"]?["text_content"]?.stringValue == "again")
        let slow = try await cli.start("slow")
        #expect(try await cli.runs(["stop", slow, "--json"]).json["success"]?.boolValue == true)
        let listed = try await cli.runs(["list", "--status", "stopped", "--json"]).json
        #expect(listed["data"]?.arrayValue?.map { $0["id"]?.stringValue } == [slow])
        #expect(listed["total"]?.intValue == 1)
        let waited = try await cli.runs(["wait", echo, "--json"]).json
        #expect(waited["timed_out"]?.boolValue == false)
        #expect(waited["run"]?["id"]?.stringValue == echo)
        let stats = try await cli.runs(["stats", "--json"]).json
        #expect(stats["total"]?.intValue == 2)
        #expect(stats["counts"]?["stopped"]?.intValue == 1)
        #expect(stats["duration_seconds"]?["count"] != nil)
    }

    @Test("answers by header, index and text reach the agent; a repeated QID makes a multi-select answer")
    func answers() async throws {
        let cli = try await CLIHarness.simulated()
        let runID = try await cli.start("questions", waitUntil: "attention")
        let unknown = try await cli.runs(["respond", runID, "--answer", "Budget=10"])
        #expect(unknown.status == 2, "\(unknown)")
        #expect(unknown.stderr.contains("City"))
        let result = try await cli.runs(["respond", runID, "--answer", "city=Prague", "--answer", "1=Monday",
                                   "--answer", "1=Friday"])
        #expect(result.status == 0, "\(result)")
        _ = try await cli.runs(["wait", runID])
        let messages = try await cli.runs(["messages", runID, "--json"]).json["messages"]?.arrayValue ?? []
        let summary = messages.compactMap { $0["content"]?.stringValue }.first { $0.hasPrefix("Summary") } ?? ""
        #expect(summary.contains("Prague"), "\(summary)")
        #expect(summary.contains("Monday,Friday"), "\(summary)")
    }
}
