import DuvoBridge
import JSONCore

/// How an MCP tool differs from the JSON-RPC method it is derived from: arguments that make no sense over MCP (a
/// follow needs notifications a model never sees), arguments and result fields MCP adds, and a usage hint for the
/// model. Methods without an entry here are offered exactly as they are, with no hint.
struct ToolAdaptation: Sendable {
    /// Who runs a call.
    enum Runner: Sendable {
        /// The method itself, through the method table.
        case method
        /// ``RunWaitTool``: bounded waits with progress and elicitation.
        case wait
        /// ``MessageListTool``: capped output, tail and cursor.
        case messages
    }

    var runner = Runner.method
    /// Method params the tool does not take.
    var removedParams: [String] = []
    /// Changes to the schemas of params the tool keeps.
    var changedParams: [String: [String: JSONValue]] = [:]
    /// Params the method takes in several shapes (`anyOf`), of which the tool offers one: the position of that shape.
    var narrowedParams: [String: Int] = [:]
    /// Arguments only the tool takes.
    var addedParams: [String: JSONValue] = [:]
    /// Result fields the tool leaves out.
    var removedResultFields: [String] = []
    /// Result fields only the tool returns (all of them always present).
    var addedResultFields: [String: JSONValue] = [:]
    /// Said to the model after the method's own description.
    var hint = ""
    /// A summary to use instead of the method's, when that one promises what the tool leaves out.
    var summary: String?
    /// Whether the method's long description still fits the tool (else only its summary is kept).
    var keepsMethodDescription = true

    /// The adaptation of the method `method`.
    static func of(_ method: String, options: MCPOptions) -> ToolAdaptation {
        let wait = Int(options.maxWaitSeconds)
        switch method {
        case MethodNames.start:
            return ToolAdaptation(
                removedParams: ["follow"], removedResultFields: ["subscription"],
                hint: "Returns as soon as the run exists; then call duvo_wait_for_run with its run_id until "
                    + "finished is true.")
        case MethodNames.get:
            return ToolAdaptation(hint: "One look at the run. To wait for it, call duvo_wait_for_run rather than "
                + "calling this in a loop.")
        case MethodNames.messages:
            return messages(options)
        case MethodNames.sendMessage:
            return ToolAdaptation(hint: "Then call duvo_wait_for_run to see the run answer.")
        case MethodNames.respond:
            // The method also takes answers as a map, whose schema (additionalProperties) strict function calling
            // refuses; the tool offers the list only (a map passed anyway is still read).
            return ToolAdaptation(narrowedParams: ["answers": 0], hint: "Use it when duvo_wait_for_run or "
                + "duvo_get_run returns a pending_human_request: approved for an approval, answers for questions (only "
                + "options the question lists). Then call duvo_wait_for_run again.")
        case MethodNames.stop:
            return ToolAdaptation(hint: "The run ends with status stopped; it cannot be undone.")
        case MethodNames.list:
            // Paging through every run could be thousands of them; a model reads one page and asks for the next.
            return ToolAdaptation(removedParams: ["all"], hint: "Filter by agent_id, status or since, and keep "
                + "limit small, to keep the answer short; page on with offset.")
        case MethodNames.wait:
            return ToolAdaptation(
                runner: .wait, removedParams: ["until"],
                changedParams: ["timeout_s": [
                    "description": .string("Seconds to wait at most in this call (default and cap: \(wait))."),
                    "default": .int(wait), "maximum": nil,
                ]],
                addedResultFields: waitResultFields,
                hint: "Waits at most \(wait) s per call (less with timeout_s), returning early when the run "
                    + "finishes or needs a person. When finished is false, call it again with the same run_id; next "
                    + "always says what to do. If your client gives up on tool calls sooner (several frameworks "
                    + "default to 5 s), pass a smaller timeout_s or raise the client's timeout; once the client "
                    + "cancels a wait, later waits answer within "
                    + "\(Int(MCPSession.patienceShare * 100))% of the time it waited. "
                    + "When a person must answer (pending_human_request), the user is asked directly if the client "
                    + "supports it; otherwise ask the user and call duvo_respond_to_human_request.",
                keepsMethodDescription: false)
        default:
            return ToolAdaptation()
        }
    }

    private static func messages(_ options: MCPOptions) -> ToolAdaptation {
        ToolAdaptation(
            runner: .messages, removedParams: ["all"],
            changedParams: ["limit": [
                "description": .string("Messages to return at most (default \(options.defaultMessageLimit))."),
                "default": .int(options.defaultMessageLimit),
            ]],
            addedParams: [
                "tail": ["type": "integer", "minimum": 1, "maximum": 100,
                         "description": "Return the last N messages instead (the run's newest output)."],
                "cursor": ["type": "string",
                           "description": "next_cursor of an earlier answer, to continue where it stopped."],
            ],
            addedResultFields: [
                "truncated": ["type": "boolean",
                              "description": "Messages or long texts were left out to keep the answer small."],
                "next_cursor": ["type": ["string", "null"],
                                "description": "Pass as cursor to read on; null when nothing follows."],
            ],
            hint: "Answers are kept small: at most \(options.defaultMessageLimit) messages by default and about "
                + "\(options.maxMessageCharacters) characters, long texts shortened (truncated is then true). Use "
                + "tail: 5 for the latest output, and pass next_cursor as cursor to read on.",
            summary: "Read a run's messages, one small page at a time.", keepsMethodDescription: false)
    }

    private static let waitResultFields: [String: JSONValue] = [
        "finished": ["type": "boolean",
                     "description": "The run reached a terminal status (completed, failed, stopped, interrupted)."],
        "status": ["type": "string", "description": "The run's status when the call returned."],
        "elapsed_s": ["type": ["number", "null"], "minimum": 0,
                      "description": "Seconds since the run started (to its end when finished); null before then."],
        "waited_s": ["type": "number", "minimum": 0, "description": "Seconds this call waited."],
        "next": ["type": "string", "description": "What to do now, in a sentence."],
    ]
}
