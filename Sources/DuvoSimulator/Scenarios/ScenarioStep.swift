import JSONCore

/// One step of an agent's script; `after` is the simulated seconds since the previous event.
indirect enum ScenarioStep: Sendable, Hashable {
    /// An assistant message. `{{message}}` becomes the latest user message, `{{answers}}` the latest answers,
    /// `{{n}}` the iteration number inside `repeat`.
    case say(String, after: Double)
    /// A tool call and its result, with failing attempts retried.
    case tool(ToolStep)
    /// An approval request; the run waits, then continues with the branch the human chose.
    case askApproval(HumanAsk, approved: [ScenarioStep], denied: [ScenarioStep], after: Double)
    /// Structured questions; the run waits, then continues (`{{answers}}` holds the answers).
    case askQuestions(HumanAsk, after: Double)
    /// One assistant message echoing each user message not yet answered.
    case echoUser(after: Double)
    /// Ends the run with `completed`, `failed` or `interrupted`.
    case finish(RunStatus, after: Double)
    /// The steps `count` times over.
    case repeatSteps(count: Int, steps: [ScenarioStep])
}

/// A tool the agent calls; fails `failTimes` times, retried up to `retries` times.
struct ToolStep: Sendable, Hashable {
    var name: String
    var arguments: [String: JSONValue]
    var result: JSONValue
    var error: String
    var failTimes: Int
    var retries: Int
    var after: Double

    /// Attempts made: the first plus as many retries as the failures need, at most `retries`.
    var attempts: Int { min(failTimes, retries) + 1 }
    /// Whether every attempt fails, which fails the run.
    var exhausts: Bool { failTimes > retries }
}

/// What the agent asks a human.
struct HumanAsk: Sendable, Hashable {
    var title: String
    var description: String?
    var questions: [HumanQuestion]
}

/// One structured question of a `question` request, as the API shows it.
struct HumanQuestion: Sendable, Hashable {
    var question: String
    var header: String?
    var options: [HumanQuestionOption]?
    var multiSelect: Bool?
}

/// A predefined answer to a question.
struct HumanQuestionOption: Sendable, Hashable {
    var label: String
    var description: String?
}
