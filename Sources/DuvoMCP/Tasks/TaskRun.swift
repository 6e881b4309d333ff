import DuvoAPI
import Foundation
import JSONCore

/// A Duvo run seen as a task of the Tasks extension (`io.modelcontextprotocol/tasks`): the task id is the run id,
/// and the task's status is derived from the run's each time it is read, so nothing is stored per task.
///
/// | Run status                  | Task status      | Carries                                                 |
/// |-----------------------------|------------------|---------------------------------------------------------|
/// | pending, starting, running  | `working`        |                                                         |
/// | waiting                     | `input_required` | the pending request (or a message prompt) as a form     |
/// | completed                   | `completed`      | a tool result: the run and its last message             |
/// | failed, interrupted         | `completed`      | a tool result with `isError: true` saying what happened |
/// | stopped                     | `cancelled`      |                                                         |
///
/// A failed run is a tool error, not a JSON-RPC one: the extension keeps the task status `failed` for JSON-RPC
/// errors only.
struct TaskRun: Sendable {
    /// The tool whose call may become a task.
    static let startTool = "duvo_start_run"

    let run: Run
    let pending: HumanRequest?
    /// What the request declared: inputRequests are only sent to a client that can show forms.
    let capabilities: ClientCapabilities
    let pollIntervalMilliseconds: Int
    /// The run's newest message once it has ended (its final output), when it was read.
    var newest: Message? = nil

    private var runID: String { run.id }
    private var status: RunStatus { run.status }

    /// The `DetailedTask` object (without `resultType`) for `tasks/get` and `notifications/tasks`.
    var detailed: JSONValue {
        let now = Self.timestamp(Date())
        let created = run.createdAt ?? now
        var task: [String: JSONValue] = [
            "taskId": .string(runID), "status": .string(taskStatus), "createdAt": .string(created),
            "lastUpdatedAt": .string(run.updatedAt ?? created),
            // Duvo keeps runs; the task lives as long as its run.
            "ttlMs": .null, "pollIntervalMs": .int(pollIntervalMilliseconds),
        ]
        task["statusMessage"] = .string(statusMessage)
        switch status {
        case .waiting:
            task["inputRequests"] = inputRequests
        case .completed, .failed, .interrupted:
            task["result"] = result
        default:
            break
        }
        return .object(task)
    }

    private var taskStatus: String {
        switch status {
        case .waiting: return "input_required"
        case .completed, .failed, .interrupted: return "completed"
        case .stopped: return "cancelled"
        default: return "working"
        }
    }

    private var statusMessage: String {
        switch status {
        case .waiting where pending != nil:
            let how = capabilities.formElicitation
                ? "answer the form in inputRequests with tasks/update"
                : "answer with duvo_respond_to_human_request (this client declared no form elicitation)"
            return "Run \(runID) waits for a person: \(ToolSummary.describe(pending)). To go on, \(how)."
        case .waiting:
            return "Run \(runID) waits for a message; send one through tasks/update or duvo_send_message."
        default:
            return "Run \(runID) is \(status.rawValue)."
        }
    }

    /// The forms a person fills in, keyed so that a key never names two requests over the task's life.
    var inputRequests: JSONValue {
        guard capabilities.formElicitation else { return [:] }
        guard let key = inputKey else { return [:] }
        return [key: ["method": "elicitation/create", "params": form]]
    }

    /// The key of what the run waits for now: its human request, or a message after its last update.
    var inputKey: String? {
        guard status == .waiting else { return nil }
        if let pending { return InputRound.key(forHumanRequest: pending.id) }
        return "message_after_" + (run.updatedAt ?? "start")
    }

    /// The human request's form, when one is pending.
    var humanForm: HumanElicitation? {
        guard let pending else { return nil }
        return HumanElicitation(request: pending, runID: runID, revision: ProtocolRevision.modern[0])
    }

    private var form: JSONValue {
        if let humanForm { return humanForm.params }
        return ["mode": "form", "message": .string("Duvo run \(runID) waits for a message to continue."),
                "requestedSchema": ["type": "object", "required": ["message"], "properties": [
                    "message": ["type": "string", "title": "Message", "description": "What to tell the run."],
                ]]]
    }

    /// The final tool result: what `duvo_start_run` stands for once the run is over.
    private var result: JSONValue {
        let text: String
        switch status {
        case .completed:
            text = ToolSummary.runLine(run) + " Read its result with duvo_list_messages (run_id \(runID), tail: 5)."
        case .failed:
            text = ToolSummary.runLine(run) + " The run failed: read why with duvo_list_messages (run_id \(runID), "
                + "tail: 5)."
        default:
            text = ToolSummary.runLine(run) + " The run was interrupted: duvo_send_message resumes it, then "
                + "duvo_wait_for_run follows it."
        }
        var structured: [String: JSONValue] = ["run": run.json]
        var final = text
        if let newest {
            structured["last_message"] = newest.json
            final += " Its last message: " + MessageBudget.clip(MessageListTool.render(newest), to: 2_000)
        }
        return ["content": [["type": "text", "text": .string(final)]], "structuredContent": .object(structured),
                "isError": .bool(status != .completed)]
    }

    /// Whether `run` has ended, so its task no longer counts against the poll budget.
    static func hasEnded(_ run: Run) -> Bool {
        run.status.isTerminal
    }

    /// An ISO 8601 time in UTC, as the extension's timestamps are.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
