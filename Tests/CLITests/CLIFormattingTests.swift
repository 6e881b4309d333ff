import DuvoAPI
import JSONCore
import Testing
@testable import DuvoCLI

@Suite("duvo runs: the docs' names and --answer grouping")
struct CLIFormattingTests {
    private func message(_ json: JSONValue) throws -> Message {
        try Message(decoding: json, operation: "test")
    }

    @Test("content is the text, else the tool result, else the tool call; wire fields stay as they are")
    func content() throws {
        let text: JSONValue = ["id": "1", "type": "assistant_message", "role": "assistant", "text_content": "Hi"]
        #expect(DocsMessageFields.adding(to: try message(text), pendingRequestID: nil)["content"] == "Hi")
        let call: JSONValue = ["id": "2", "type": "tool_call", "role": "assistant",
                               "tool_call": ["id": "t", "name": "send", "arguments": ["to": 3]]]
        #expect(DocsMessageFields.adding(to: try message(call), pendingRequestID: nil)["content"]
            == #"send({"to":3})"#)
        let failed: JSONValue = ["id": "3", "type": "tool_result", "role": "tool",
                                 "tool_result": ["tool_call_id": "t", "error": "boom"]]
        let added = DocsMessageFields.adding(to: try message(failed), pendingRequestID: nil)
        #expect(added["content"] == "error: boom")
        #expect(added["tool_result"] == failed["tool_result"])
        #expect(added["status"] == nil, "only human requests get a status")
    }

    @Test("a content or status the wire already has, even null, is left as it came")
    func wireFieldsWin() throws {
        let given: JSONValue = ["id": "4", "type": "human_request", "role": "assistant", "content": "Asked",
                                "status": nil, "text_content": "Ok?"]
        let added = DocsMessageFields.adding(to: try message(given), pendingRequestID: "4")
        #expect(added["content"] == "Asked")
        #expect(added["status"] == .null)
        #expect(added == given)
    }

    @Test("a tool call or result that is not an object is passed on, not rendered")
    func oddToolParts() throws {
        let odd = try message(["id": "5", "type": "tool_call", "role": "assistant", "tool_call": "send",
                               "tool_result": nil])
        #expect(odd.toolCall == nil)
        #expect(odd.toolResult == nil)
        #expect(DocsMessageFields.adding(to: odd, pendingRequestID: nil)["content"] == "")
        #expect(odd.json["tool_call"] == "send")
    }

    @Test("a human request is pending only when it is the run's pending request (ids compared without case)")
    func humanRequestStatus() throws {
        let request = try message(["id": "AB-1", "type": "human_request", "role": "assistant", "text_content": "Ok?"])
        #expect(DocsMessageFields.adding(to: request, pendingRequestID: "ab-1")["status"] == "pending")
        #expect(DocsMessageFields.adding(to: request, pendingRequestID: "other")["status"] == "responded")
        #expect(DocsMessageFields.adding(to: request, pendingRequestID: nil)["status"] == "responded")
    }

    @Test("a run's detail shows the documented fields Duvo sends beside the typed ones")
    func runDetail() throws {
        let read = try RunRead(decoding: [
            "run": ["id": "r1", "status": "running", "agent_id": "a1", "build_id": "b1", "source": nil,
                    "sandbox_id": "s1", "issue_severity": "low", "created_at": "2026-01-01T00:00:00Z"],
            "pending_human_request": ["id": "h1", "type": "approval", "title": "Ship it?"],
        ], operation: "test")
        let lines = RunRenderer(palette: Palette(enabled: false)).detail(read)
        #expect(lines == [
            "Run r1  running", "  agent     a1", "  build     b1", "  sandbox   s1",
            "  created   2026-01-01T00:00:00Z", "  issues    low", "",
            "┃ Waiting for a human: Ship it?",
            "┃ Approve: duvo runs respond r1 --approve", "┃ Deny:    duvo runs respond r1 --deny",
        ])
    }

    @Test("repeated --answer for one QID becomes a list; '=' inside the answer is kept")
    func answers() throws {
        let answers = try AnswerArguments.parse(["Days=Monday", "City=a=b", "Days=Friday"], commandPath: "t")
        #expect(answers["Days"] == ["Monday", "Friday"])
        #expect(answers["City"] == "a=b")
        #expect(throws: (any Error).self) { try AnswerArguments.parse(["=x"], commandPath: "t") }
    }

    @Test("colour is off into a pipe, on at a terminal, forced by CLICOLOR_FORCE, and NO_COLOR always wins")
    func colourRules() {
        #expect(!OutputMode(json: false, environment: [:], stdoutIsTerminal: false).color)
        #expect(OutputMode(json: false, environment: [:], stdoutIsTerminal: true).color)
        #expect(OutputMode(json: false, environment: ["CLICOLOR_FORCE": "1"], stdoutIsTerminal: false).color)
        #expect(!OutputMode(json: false, environment: ["NO_COLOR": "1"], stdoutIsTerminal: true).color)
        #expect(!OutputMode(json: true, environment: [:], stdoutIsTerminal: true).color)
        #expect(!OutputMode(json: false, environment: [:], stdoutIsTerminal: false).liveStatus)
    }

    @Test("--exit-status codes: completed 0, failed 10, stopped 11, interrupted 12, waiting 13")
    func exitCodes() {
        #expect(["completed", "failed", "stopped", "interrupted", "waiting", "some_new_status"]
            .map { ExitCode(runStatus: $0).rawValue } == [0, 10, 11, 12, 13, 0])
    }
}
