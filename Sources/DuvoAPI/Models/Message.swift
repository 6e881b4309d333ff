import JSONCore

/// One message of a run's transcript (`GET /runs/{id}/messages`).
///
/// Tool calls and results stay in `extra` as Duvo sent them: the bridge passes them on and does not act on them.
package struct Message: DuvoModel {
    package static let kind = "message"

    package var id: String?
    /// `text`, `user_message`, `tool_call`, `human_request`, ...
    package var type: String?
    /// `user`, `assistant`, ...
    package var role: String?
    package var timestamp: String?
    /// The text (Duvo's docs call it `text_content`, some pages `content`).
    package var textContent: String?
    package var content: String?
    package var extra: [String: JSONValue]

    package init(id: String? = nil, type: String? = nil, role: String? = nil, timestamp: String? = nil,
                 textContent: String? = nil, content: String? = nil, extra: [String: JSONValue] = [:]) {
        self.id = id
        self.type = type
        self.role = role
        self.timestamp = timestamp
        self.textContent = textContent
        self.content = content
        self.extra = extra
    }

    package init(reading reader: inout FieldReader) throws(DuvoAPIError) {
        id = try reader.optionalString("id")
        type = try reader.optionalString("type")
        role = try reader.optionalString("role")
        timestamp = try reader.optionalString("timestamp")
        textContent = try reader.optionalString("text_content")
        content = try reader.optionalString("content")
        extra = reader.rest
    }

    package var json: JSONValue {
        var writer = FieldWriter(extra: extra)
        writer.set("id", id)
        writer.set("type", type)
        writer.set("role", role)
        writer.set("timestamp", timestamp)
        writer.set("text_content", textContent)
        writer.set("content", content)
        return writer.json
    }

    /// The message's text, under either name.
    package var text: String? { textContent ?? content }

    /// Whether a user wrote it.
    package var isFromUser: Bool { role == "user" || type == "user_message" }
}

/// A step's call of a tool (`tool_call`: `{id, name, arguments}`), as a message carries it.
package struct ToolCallPart: Sendable, Hashable {
    package var id: String?
    /// The tool's name; nil when Duvo left it out.
    package var name: String?
    /// The arguments as Duvo sent them (an object, by the documents).
    package var arguments: JSONValue?
}

/// A tool's outcome (`tool_result`: `{tool_call_id, result, error}`), as a message carries it.
package struct ToolResultPart: Sendable, Hashable {
    package var toolCallID: String?
    /// What the tool returned, any JSON; nil when absent.
    package var result: JSONValue?
    /// Why it failed (a string by the documents, kept as sent); nil when absent or null.
    package var error: JSONValue?
}

extension Message {
    /// The tool call the message carries, when `tool_call` is an object. The bridge passes it on untouched (it stays
    /// in `extra`); this reads it for people.
    package var toolCall: ToolCallPart? {
        guard case .object(let call)? = extra["tool_call"] else { return nil }
        return ToolCallPart(id: call["id"]?.stringValue, name: call["name"]?.stringValue, arguments: call["arguments"])
    }

    /// The tool result the message carries, when `tool_result` is an object.
    package var toolResult: ToolResultPart? {
        guard case .object(let outcome)? = extra["tool_result"] else { return nil }
        let error = outcome["error"].flatMap { $0.isNull ? nil : $0 }
        return ToolResultPart(toolCallID: outcome["tool_call_id"]?.stringValue, result: outcome["result"],
                              error: error)
    }

    /// Whether the message is a request for a person (`type` `human_request`).
    package var isHumanRequest: Bool { type == "human_request" }

    /// The message's JSON with `fields` added where the message has no member of that name (typed, in `extra`, or
    /// null): for names some documents use beside the wire's, which never replace what Duvo sent.
    package func json(adding fields: [String: JSONValue]) -> JSONValue {
        guard case .object(var members) = json else { return json }
        for (key, value) in fields where members[key] == nil {
            members[key] = value
        }
        return .object(members)
    }
}
