import JSONCore

/// Reads one step object; the step's kind is the one key among `say`, `tool`, `ask_approval`, `ask_questions`,
/// `echo_user`, `finish` and `repeat`.
struct ScenarioStepReader {
    let reader: ScenarioReader

    static let kinds = ["say", "tool", "ask_approval", "ask_questions", "echo_user", "finish", "repeat"]

    func step(_ value: JSONValue, path: String) throws(ScenarioFileError) -> ScenarioStep {
        guard let object = value.objectValue else { throw reader.fail(path, "a step must be an object") }
        let present = Self.kinds.filter { object[$0] != nil }
        guard present.count == 1, let kind = present.first else {
            throw reader.fail(path, "a step needs exactly one of: \(Self.kinds.joined(separator: ", "))")
        }
        let after = try reader.seconds(object["after_s"], path: path + ".after_s", default: kind == "finish" ? 1 : 2)
        switch kind {
        case "say":
            _ = try reader.object(value, path: path, allowed: ["say", "after_s"])
            return .say(try reader.string(object["say"], path: path + ".say"), after: after)
        case "tool":
            return .tool(try tool(object, path: path, after: after))
        case "ask_approval":
            _ = try reader.object(value, path: path, allowed: ["ask_approval", "approved", "denied", "after_s"])
            let ask = try self.ask(object["ask_approval"], path: path + ".ask_approval", questions: false)
            let approved = try object["approved"].map { v throws(ScenarioFileError) in
                try reader.steps(v, path: path + ".approved")
            }
            let denied = try object["denied"].map { v throws(ScenarioFileError) in
                try reader.steps(v, path: path + ".denied")
            }
            return .askApproval(ask, approved: approved ?? [], denied: denied ?? [], after: after)
        case "ask_questions":
            _ = try reader.object(value, path: path, allowed: ["ask_questions", "after_s"])
            return .askQuestions(
                try self.ask(object["ask_questions"], path: path + ".ask_questions", questions: true),
                after: after)
        case "echo_user":
            _ = try reader.object(value, path: path, allowed: ["echo_user", "after_s"])
            guard object["echo_user"] == .bool(true) else { throw reader.fail(path + ".echo_user", "must be true") }
            return .echoUser(after: after)
        case "finish":
            _ = try reader.object(value, path: path, allowed: ["finish", "after_s"])
            let text = try reader.string(object["finish"], path: path + ".finish")
            guard let status = RunStatus(rawValue: text), [.completed, .failed, .interrupted].contains(status) else {
                throw reader.fail(path + ".finish", "must be \"completed\", \"failed\" or \"interrupted\"")
            }
            return .finish(status, after: after)
        default:
            _ = try reader.object(value, path: path, allowed: ["repeat", "steps"])
            let count = try reader.integer(object["repeat"], path: path + ".repeat", default: 1, range: 1...10_000)
            let steps = try reader.steps(object["steps"], path: path + ".steps")
            guard !steps.isEmpty else { throw reader.fail(path + ".steps", "must hold at least one step to repeat") }
            return .repeatSteps(count: count, steps: steps)
        }
    }

    private func tool(_ object: [String: JSONValue], path: String, after: Double) throws(ScenarioFileError) -> ToolStep
    {
        _ = try reader.object(
            .object(object), path: path,
            allowed: ["tool", "arguments", "result", "error", "fail_times", "retries", "after_s"])
        let name = try reader.string(object["tool"], path: path + ".tool")
        var arguments: [String: JSONValue] = [:]
        if let given = object["arguments"] {
            guard let members = given.objectValue else { throw reader.fail(path + ".arguments", "must be an object") }
            arguments = members
        }
        let error = try reader.optionalString(object["error"], path: path + ".error")
        return ToolStep(
            name: name, arguments: arguments, result: object["result"] ?? ["ok": true],
            error: error ?? "\(name) failed: upstream service returned 503 Service Unavailable",
            failTimes: try reader.integer(
                object["fail_times"], path: path + ".fail_times", default: 0, range: 0...1000),
            retries: try reader.integer(object["retries"], path: path + ".retries", default: 3, range: 0...100),
            after: after)
    }

    private func ask(_ value: JSONValue?, path: String, questions: Bool) throws(ScenarioFileError) -> HumanAsk {
        let allowed: Set<String> = questions ? ["title", "description", "questions"] : ["title", "description"]
        let object = try reader.object(value, path: path, allowed: allowed)
        let title = try reader.string(object["title"], path: path + ".title")
        let description = try reader.optionalString(object["description"], path: path + ".description")
        guard questions else { return HumanAsk(title: title, description: description, questions: []) }
        guard let list = object["questions"]?.arrayValue, !list.isEmpty else {
            throw reader.fail(path + ".questions", "must be a non-empty array of questions")
        }
        var result: [HumanQuestion] = []
        for (index, item) in list.enumerated() {
            result.append(try question(item, path: "\(path).questions[\(index)]"))
        }
        guard Set(result.map(\.question)).count == result.count else {
            throw reader.fail(path + ".questions", "question texts must be unique (answers are keyed by them)")
        }
        return HumanAsk(title: title, description: description, questions: result)
    }

    private func question(_ value: JSONValue, path: String) throws(ScenarioFileError) -> HumanQuestion {
        let object = try reader.object(value, path: path, allowed: ["question", "header", "options", "multi_select"])
        var options: [HumanQuestionOption]?
        if let list = object["options"] {
            guard let items = list.arrayValue else { throw reader.fail(path + ".options", "must be an array") }
            var parsed: [HumanQuestionOption] = []
            for (index, item) in items.enumerated() {
                let optionPath = "\(path).options[\(index)]"
                let option = try reader.object(item, path: optionPath, allowed: ["label", "description"])
                parsed.append(
                    HumanQuestionOption(
                        label: try reader.string(option["label"], path: optionPath + ".label"),
                        description: try reader.optionalString(option["description"], path: optionPath + ".description")
                    ))
            }
            options = parsed
        }
        var multiSelect: Bool?
        if let flag = object["multi_select"] {
            guard let bool = flag.boolValue else { throw reader.fail(path + ".multi_select", "must be true or false") }
            multiSelect = bool
        }
        return HumanQuestion(
            question: try reader.string(object["question"], path: path + ".question"),
            header: try reader.optionalString(object["header"], path: path + ".header"),
            options: options, multiSelect: multiSelect)
    }
}
