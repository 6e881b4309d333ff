import JSONCore

/// The JSON shapes of runs and human requests, exactly as the schemas list their fields.
enum RunEncoding {
    /// A run: v1 has exactly the schema's fields; v2 adds `has_issues` and `issue_severity`.
    static func run(_ run: RunRecord, version: APIVersion) -> JSONValue {
        var fields: [String: JSONValue] = [
            "id": .string(run.id),
            "agent_id": .string(run.agentID),
            "build_id": .string(run.buildID),
            "status": .string(run.status.rawValue),
            "source": "api",
            "sandbox_id": .optional(run.sandboxID),
            "started_at": .optional(run.startedAt.map(Timestamp.format)),
            "completed_at": .optional(run.completedAt.map(Timestamp.format)),
            "created_at": .string(Timestamp.format(run.createdAt)),
            "updated_at": .string(Timestamp.format(run.updatedAt)),
            "human_in_the_loop_enabled": .bool(run.humanInTheLoop),
        ]
        if version == .v2 {
            let severity = run.issueSeverity
            fields["has_issues"] = .bool(severity != nil)
            fields["issue_severity"] = .optional(severity)
        }
        return .object(fields)
    }

    /// `pending_human_request` of `GET /runs/{id}`: null unless the run is waiting.
    static func pendingRequest(_ run: RunRecord) -> JSONValue {
        guard let request = run.pendingRequest else { return .null }
        var fields: [String: JSONValue] = [
            "id": .string(request.id),
            "title": .string(request.ask.title),
            "description": .optional(request.ask.description),
            "created_at": .string(Timestamp.format(request.createdAt)),
            "type": .string(request.kind.rawValue),
        ]
        if request.kind == .question { fields["questions"] = .array(request.ask.questions.map(question)) }
        return .object(fields)
    }

    private static func question(_ question: HumanQuestion) -> JSONValue {
        var fields: [String: JSONValue] = ["question": .string(question.question)]
        if let header = question.header { fields["header"] = .string(header) }
        if let options = question.options {
            fields["options"] = .array(
                options.map { option in
                    var members: [String: JSONValue] = ["label": .string(option.label)]
                    if let description = option.description { members["description"] = .string(description) }
                    return .object(members)
                })
        }
        if let multiSelect = question.multiSelect { fields["multi_select"] = .bool(multiSelect) }
        return .object(fields)
    }

    /// The answered request returned by the respond endpoint.
    static func answeredRequest(_ request: HumanRequestRecord) -> JSONValue {
        [
            "id": .string(request.id),
            "run_id": .string(request.runID),
            "title": .string(request.ask.title),
            "description": .optional(request.ask.description),
            "response": .optional(request.response),
            "responded_at": .optional(request.respondedAt.map(Timestamp.format)),
            "created_at": .string(Timestamp.format(request.createdAt)),
        ]
    }

    /// A message with only the schema's fields: `text_content`, `tool_call` and `tool_result` when they apply.
    static func message(_ message: MessageRecord) -> JSONValue {
        var fields: [String: JSONValue] = [
            "id": .string(message.id),
            "type": .string(message.kind.rawValue),
            "role": .string(message.kind.role),
            "timestamp": .string(Timestamp.format(message.timestamp)),
        ]
        if let text = message.text { fields["text_content"] = .string(text) }
        if let call = message.toolCall {
            fields["tool_call"] = [
                "id": .string(call.id), "name": .string(call.name), "arguments": .object(call.arguments),
            ]
        }
        switch message.toolOutcome {
        case .result(let value)?:
            fields["tool_result"] = ["tool_call_id": .string(message.toolCall?.id ?? ""), "result": value]
        case .error(let text)?:
            fields["tool_result"] = ["tool_call_id": .string(message.toolCall?.id ?? ""), "error": .string(text)]
        case nil:
            break
        }
        return .object(fields)
    }
}
