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
