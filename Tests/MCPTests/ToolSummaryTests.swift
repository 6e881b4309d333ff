import DuvoAPI
import DuvoBridge
import JSONCore
import Testing

@testable import DuvoMCP

@Suite("What a model reads: summaries rendered from Duvo's typed models")
struct ToolSummaryTests {
    @Test("runs/stats reads back as the report it was written from, and its summary names counts, rate and spread")
    func statistics() throws {
        let runs = [
            Run(id: "1", status: .completed, startedAt: "2026-01-01T00:00:00Z", completedAt: "2026-01-01T00:00:30Z"),
            Run(id: "2", status: .failed, startedAt: "2026-01-01T00:00:00Z", completedAt: "2026-01-01T00:00:04Z"),
            Run(id: "3", status: .failed),
            Run(id: "4", status: "paused_by_admin"),
        ]
        let statistics = RunStatistics(runs: runs, total: 9)
        #expect(try StatisticsReport(decoding: statistics.json, operation: "runs/stats") == statistics.report)
        let text = ToolSummary.text(.statistics(statistics), runID: nil)
        #expect(text == "4 of 9 runs counted: completed 1, failed 2, paused_by_admin 1. Failure rate 67 %. "
            + "Durations: p50 4 s, p95 30 s, max 30 s.")
        let none = RunStatistics(runs: [], total: 0)
        #expect(ToolSummary.text(.statistics(none), runID: nil) == "0 of 0 runs counted.")
    }

    @Test("runs/get names the run, a status this version does not know, and how to answer the pending questions")
    func runRead() {
        let read = RunRead(run: Run(id: "r1", status: "queued_elsewhere", agentID: "a1"),
                           pendingHumanRequest: HumanRequest(id: "h1", kind: .question, title: "Which?", questions: [
                               HumanQuestion(question: "Day?", options: [.init(label: "Mon"), .init(label: "Tue")],
                                             multiSelect: true),
                           ]))
        let text = ToolSummary.text(.run(read), runID: "r1")
        #expect(text.hasPrefix("Run r1 (agent a1) is queued_elsewhere. It waits for a person: \"Which?\" "
            + "1. Day? [options: Mon, Tue; several allowed] Ask the user"))
        #expect(text.contains("and answers, a list of {question, answer} items"))
    }

    @Test("a message line shows its text, tool call and tool result; parts that are not objects are left out")
    func messageLine() throws {
        let call = try Message(decoding: ["id": "1", "type": "tool_call", "role": "assistant",
                                          "tool_call": ["id": "t", "name": "send", "arguments": ["to": 3]],
                                          "tool_result": ["tool_call_id": "t", "error": nil, "result": ["ok": true]]],
                               operation: "test")
        #expect(MessageListTool.render(call) == #"assistant (tool_call): send({"to":3}) -> {"ok":true}"#)
        let failed = try Message(decoding: ["id": "2", "type": "text", "role": "tool", "text_content": "Tried",
                                            "tool_result": ["tool_call_id": "t", "error": "boom"]],
                                 operation: "test")
        #expect(MessageListTool.render(failed) == "tool: Tried -> error: boom")
        let odd = try Message(decoding: ["id": "3", "type": "text", "role": "user", "content": "Hi",
                                         "tool_call": "send", "tool_result": nil], operation: "test")
        #expect(MessageListTool.render(odd) == "user: Hi")
    }
}
