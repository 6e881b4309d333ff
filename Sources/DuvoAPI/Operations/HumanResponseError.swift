/// Why an answer to a human-in-the-loop request does not fit the request; each says what would.
public enum HumanResponseError: Error, Sendable, Equatable {
    /// The run is not waiting for anyone.
    case nothingPending(runStatus: String)
    /// Both `approved` and `answers` were given.
    case bothGiven
    /// Neither `approved` nor `answers` was given.
    case neitherGiven(requestType: String)
    /// The request asks for approval, but answers were given.
    case needsApproval
    /// The request asks questions, but an approval was given.
    case needsAnswers(questions: [String])
    /// An answer names no question of the request.
    case unknownQuestion(key: String, questions: [String])
    /// Some questions were not answered.
    case missingAnswers([String])
    /// The given request id is not the pending one.
    case notThePendingRequest(given: String, pending: String)
    /// Two answers name the same question (say by header and by index), so one would be lost.
    case answeredTwice(question: String)

    /// The params field the problem is about, for `-32602`'s `data.field`.
    package var field: String {
        switch self {
        case .nothingPending, .notThePendingRequest: "request_id"
        case .bothGiven, .neitherGiven, .needsApproval: "approved"
        case .needsAnswers, .missingAnswers, .answeredTwice: "answers"
        case .unknownQuestion(let key, _): "answers.\(key)"
        }
    }

    /// What is wrong and what to send instead.
    package var message: String {
        switch self {
        case .nothingPending(let status):
            "the run has no pending human request (status: \(status)); wait until it is 'waiting'"
        case .bothGiven: "give either 'approved' or 'answers', not both"
        case .neitherGiven(let type):
            type == "approval" ? "this request asks for approval: pass approved: true or false"
                : "this request asks questions: pass answers keyed by question text, header or index"
        case .needsApproval: "this request asks for approval, not answers: pass approved: true or false"
        case .needsAnswers(let questions):
            "this request asks questions, not approval: pass answers for \(Self.list(questions))"
        case .unknownQuestion(let key, let questions):
            "'\(key)' is not a question of this request; it asks \(Self.list(questions)) (keys may be question text, "
                + "header or 0-based index)"
        case .missingAnswers(let questions): "no answer given for \(Self.list(questions))"
        case .notThePendingRequest(let given, let pending):
            "request \(given) is not the run's pending request (\(pending))"
        case .answeredTwice(let question):
            "two answers name the question '\(question)'; give one (an array for several choices of a multi-select)"
        }
    }

    private static func list(_ questions: [String]) -> String {
        questions.map { "'\($0)'" }.joined(separator: ", ")
    }
}
