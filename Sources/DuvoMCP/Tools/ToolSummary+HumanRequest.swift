import DuvoAPI

extension ToolSummary {
    /// What a pending human request asks and how to answer it, or that nothing is pending.
    static func pendingText(_ pending: HumanRequest?, runID: String) -> String {
        guard let pending else { return "No human request is pending." }
        return "It waits for a person: " + describe(pending) + " " + answerHint(pending, runID: runID)
    }

    /// The request's title, description and questions with their options.
    static func describe(_ pending: HumanRequest?) -> String {
        var text = "\"\(pending?.title ?? "a request")\""
        if let description = pending?.description, !description.isEmpty { text += " (\(description))" }
        for (index, question) in (pending?.questions ?? []).enumerated() {
            text += " \(index + 1). \(question.question)"
            let options = (question.options ?? []).map(\.label)
            if !options.isEmpty {
                let many = question.multiSelect == true ? "; several allowed" : ""
                text += " [options: \(options.joined(separator: ", "))\(many)]"
            }
        }
        return text
    }

    /// How to answer the request with the respond tool.
    static func answerHint(_ pending: HumanRequest?, runID: String) -> String {
        if pending?.kind == .question {
            return "Ask the user, then call duvo_respond_to_human_request with run_id \(runID) and answers, a list "
                + "of {question, answer} items: the question's text and the chosen option (an array for several)."
        }
        return "Ask the user, then call duvo_respond_to_human_request with run_id \(runID) and approved true or false."
    }
}
