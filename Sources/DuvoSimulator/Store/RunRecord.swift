/// Everything the simulator knows about one run: the API's fields, its message log and where its script is.
struct RunRecord: Sendable {
    let id: String
    let team: String
    let agentID: String
    let buildID: String
    /// Creation order, the tie-breaker when sorting lists.
    let sequence: Int
    var status: RunStatus = .pending
    let sandboxID: String?
    var startedAt: Int64?
    var completedAt: Int64?
    let createdAt: Int64
    var updatedAt: Int64
    let humanInTheLoop: Bool
    let webhookURL: String?
    /// Whether a tool needed retries (a medium issue).
    var retried = false
    var messages: [MessageRecord] = []
    var humanRequests: [HumanRequestRecord] = []
    var pendingRequestID: String?
    var execution: RunExecution

    /// The issue level the v2 API reports: failed is critical, retried medium, interrupted low.
    var issueSeverity: String? {
        if status == .failed { return "critical" }
        if retried { return "medium" }
        if status == .interrupted { return "low" }
        return nil
    }

    /// The pending human request, if the run is waiting on one.
    var pendingRequest: HumanRequestRecord? {
        guard status == .waiting, let id = pendingRequestID else { return nil }
        return humanRequests.first { $0.id == id }
    }

    /// Index of the request with `id` in ``humanRequests``.
    func requestIndex(_ id: String) -> Int? {
        humanRequests.firstIndex { $0.id == id }
    }
}

/// Where a run is in its agent's script and what it will do next.
struct RunExecution: Sendable {
    /// A list of steps being worked through; `iteration` counts passes of a `repeat`.
    struct Frame: Sendable {
        var steps: [ScenarioStep]
        var index = 0
        var iteration = 1
        var passes = 1
    }

    /// An action and the simulated milliseconds after the previous event at which it happens.
    struct Timed: Sendable {
        var delay: Int64
        var action: RunAction
    }

    var frames: [Frame]
    var queue: [Timed]
    /// When the last event happened; the next action is due `queue.first.delay` after it.
    var lastEventAt: Int64
    /// When the next action is due; nil when the run is waiting or terminal.
    var dueAt: Int64?
    var pendingAsk: PendingAsk?
    var unanswered: [String] = []
    var lastUserMessage = ""
    var lastAnswers = ""
    let onMessage: [ScenarioStep]
}

/// A human request the script makes, with what to do after each decision.
struct PendingAsk: Sendable {
    var kind: HumanRequestRecord.Kind
    var ask: HumanAsk
    var approved: [ScenarioStep]
    var denied: [ScenarioStep]
}

/// One atomic thing a run does at a point in simulated time.
enum RunAction: Sendable {
    case status(RunStatus)
    case say(String)
    case toolCall(MessageRecord.ToolCall, isRetry: Bool)
    case toolResult(MessageRecord.ToolCall, MessageRecord.ToolOutcome)
    case ask(PendingAsk)
    case echo
    case finish(RunStatus)
}
