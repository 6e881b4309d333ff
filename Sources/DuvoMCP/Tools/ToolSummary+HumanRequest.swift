import JSONCore

extension ToolSummary {
    /// What a pending human request asks and how to answer it, or that nothing is pending.
    static func pendingText(_ pending: JSONValue?, runID: String) -> String {
        guard let pending, pending["id"]?.stringValue != nil else { return "No human request is pending." }
        return "It waits for a person: " + describe(pending) + " " + answerHint(pending, runID: runID)
    }

    /// The request's title, description and questions with their options.
    static func describe(_ pending: JSONValue) -> String {
        var text = "\"\(pending["title"]?.stringValue ?? "a request")\""
        if let description = pending["description"]?.stringValue, !description.isEmpty { text += " (\(description))" }
        let questions = pending["questions"]?.arrayValue ?? []
        for (index, question) in questions.enumerated() {
            text += " \(index + 1). \(question["question"]?.stringValue ?? "?")"
            let options = (question["options"]?.arrayValue ?? []).compactMap { $0["label"]?.stringValue }
            if !options.isEmpty {
                let many = question["multi_select"]?.boolValue == true ? "; several allowed" : ""
                text += " [options: \(options.joined(separator: ", "))\(many)]"
            }
        }
        return text
    }

    /// How to answer the request with the respond tool.
    static func answerHint(_ pending: JSONValue, runID: String) -> String {
        if pending["type"]?.stringValue == "question" {
            return "Ask the user, then call duvo_respond_to_human_request with run_id \(runID) and answers, a list "
                + "of {question, answer} items: the question's text and the chosen option (an array for several)."
        }
        return "Ask the user, then call duvo_respond_to_human_request with run_id \(runID) and approved true or false."
    }
}
