import DuvoAPI
import JSONCore
import Testing

@testable import DuvoMCP

@Suite("A run seen as a task")
struct TaskRunTests {
    private func task(_ status: String, pending: HumanRequest? = nil, forms: Bool = true) -> JSONValue {
        let run = Run(id: "r1", status: RunStatus(rawValue: status), agentID: "a1", createdAt: "2026-05-17T10:00:00Z",
                      updatedAt: "2026-05-17T10:00:05Z")
        return TaskRun(run: run, pending: pending, capabilities: ClientCapabilities(formElicitation: forms),
                       pollIntervalMilliseconds: 1_000).detailed
    }

    @Test("run statuses map to the extension's task statuses", arguments: [
        ("pending", "working"), ("starting", "working"), ("running", "working"), ("waiting", "input_required"),
        ("completed", "completed"), ("failed", "completed"), ("interrupted", "completed"), ("stopped", "cancelled"),
        ("some_new_status", "working"),
    ])
    func statuses(run: String, expected: String) {
        let detailed = task(run)
        #expect(detailed["status"]?.stringValue == expected)
        #expect(detailed["taskId"] == "r1" && detailed["ttlMs"] == .null && detailed["pollIntervalMs"] == 1_000)
        #expect(detailed["createdAt"] == "2026-05-17T10:00:00Z" && detailed["lastUpdatedAt"] == "2026-05-17T10:00:05Z")
    }

    @Test("a finished run carries a tool result: an error unless it completed")
    func results() {
        #expect(task("completed")["result"]?["isError"] == false)
        #expect(task("completed")["result"]?["structuredContent"]?["run"]?["id"] == "r1")
        #expect(task("failed")["result"]?["isError"] == true)
        #expect(task("interrupted")["result"]?["isError"] == true)
        #expect(task("stopped")["result"] == nil && task("running")["result"] == nil)
        let run = Run(id: "r1", status: .completed)
        let last = Message(type: "assistant_message", role: "assistant", textContent: "All done.")
        let result = TaskRun(run: run, pending: nil, capabilities: .none, pollIntervalMilliseconds: 1_000,
                             newest: last).detailed["result"]
        #expect(result?["structuredContent"]?["last_message"] == ["role": "assistant", "type": "assistant_message",
                                                                   "text_content": "All done."])
        #expect(result?["content"]?[0]?["text"]?.stringValue?.contains("Its last message:") == true)
        #expect(result?["content"]?[0]?["text"]?.stringValue?.hasSuffix("All done.") == true)
    }

    @Test("a waiting run asks for its pending request as a form, only of a client that can show one")
    func inputRequests() {
        let pending = HumanRequest(id: "h1", kind: .approval, title: "Send it?")
        let asked = task("waiting", pending: pending)["inputRequests"]?["human_request_h1"]
        #expect(asked?["method"] == "elicitation/create")
        #expect(asked?["params"]?["requestedSchema"]?["properties"]?["approved"]?["type"] == "boolean")
        #expect(task("waiting", pending: pending, forms: false)["inputRequests"] == [:])
        let message = task("waiting")["inputRequests"]?.objectValue ?? [:]
        #expect(message.keys.first?.hasPrefix("message_after_") == true)
    }
}
