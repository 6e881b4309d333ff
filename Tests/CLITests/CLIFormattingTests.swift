import JSONCore
import Testing
@testable import DuvoCLI

@Suite("duvo runs: the docs' names and --answer grouping")
struct CLIFormattingTests {
    @Test("content is the text, else the tool result, else the tool call; wire fields stay as they are")
    func content() {
        let text: JSONValue = ["id": "1", "type": "assistant_message", "role": "assistant", "text_content": "Hi"]
        #expect(DocsMessageFields.adding(to: text, pendingRequestID: nil)["content"] == "Hi")
        let call: JSONValue = ["id": "2", "type": "tool_call", "role": "assistant",
                               "tool_call": ["id": "t", "name": "send", "arguments": ["to": 3]]]
        #expect(DocsMessageFields.adding(to: call, pendingRequestID: nil)["content"] == #"send({"to":3})"#)
        let failed: JSONValue = ["id": "3", "type": "tool_result", "role": "tool",
                                 "tool_result": ["tool_call_id": "t", "error": "boom"]]
        let added = DocsMessageFields.adding(to: failed, pendingRequestID: nil)
        #expect(added["content"] == "error: boom")
        #expect(added["tool_result"] == failed["tool_result"])
        #expect(added["status"] == nil, "only human requests get a status")
    }

    @Test("a human request is pending only when it is the run's pending request (ids compared without case)")
    func humanRequestStatus() {
        let request: JSONValue = ["id": "AB-1", "type": "human_request", "role": "assistant", "text_content": "Ok?"]
        #expect(DocsMessageFields.adding(to: request, pendingRequestID: "ab-1")["status"] == "pending")
        #expect(DocsMessageFields.adding(to: request, pendingRequestID: "other")["status"] == "responded")
        #expect(DocsMessageFields.adding(to: request, pendingRequestID: nil)["status"] == "responded")
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
