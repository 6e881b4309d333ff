import JSONCore

/// What a write made: `{"run": {...}}` for a start, `{"message": {...}}` for a post, with `"recovered": true` when
/// the write's answer was lost and its effect found (see the client's recovery).
package struct Written<Item: ListedModel>: DuvoModel {
    package static var kind: String { "answer" }

    package var item: Item
    /// Whether it was found after the write's answer was lost.
    package var recovered: Bool
    package var extra: [String: JSONValue]

    package init(item: Item, recovered: Bool, extra: [String: JSONValue] = [:]) {
        self.item = item
        self.recovered = recovered
        self.extra = extra
    }

    package init(reading reader: inout FieldReader) throws(DuvoAPIError) {
        item = try reader.model(Item.answerKey, Item.self)
        recovered = try reader.optionalBool("recovered") ?? false
        extra = reader.rest
    }

    package var json: JSONValue {
        var writer = FieldWriter(extra: extra)
        writer.set(Item.answerKey, item)
        if recovered { writer.set("recovered", true) }
        return writer.json
    }
}

/// The run a start created.
package typealias StartedRun = Written<Run>
/// The message a post wrote.
package typealias PostedMessage = Written<Message>

extension Written where Item == Run {
    package var run: Run { item }

    package init(run: Run, recovered: Bool) {
        self.init(item: run, recovered: recovered)
    }
}

extension Written where Item == Message {
    package var message: Message { item }

    package init(message: Message, recovered: Bool) {
        self.init(item: message, recovered: recovered)
    }
}

/// The answered request: `{"human_request": {...}}` (its id, the response, when it was answered).
package struct AnsweredRequest: DuvoModel {
    package static let kind = "answer"

    /// The request as Duvo returns it once answered; kept whole, the bridge only passes it on.
    package var humanRequest: [String: JSONValue]
    package var extra: [String: JSONValue]

    package init(reading reader: inout FieldReader) throws(DuvoAPIError) {
        humanRequest = try reader.object("human_request")
        extra = reader.rest
    }

    package var json: JSONValue {
        var writer = FieldWriter(extra: extra)
        writer.set("human_request", .object(humanRequest))
        return writer.json
    }

    /// The answered request's title, as Duvo returns it.
    package var title: String? { humanRequest["title"]?.stringValue }
    /// The answer as Duvo recorded it (a sentence such as "Approved").
    package var response: String? { humanRequest["response"]?.stringValue }
}

/// What a stop did: `{"success": bool, "message": "..."}` (success false on a run that was not active).
package struct StopOutcome: DuvoModel {
    package static let kind = "answer"

    package var success: Bool
    package var message: String?
    package var extra: [String: JSONValue]

    package init(reading reader: inout FieldReader) throws(DuvoAPIError) {
        guard let success = try reader.optionalBool("success") else { throw reader.invalid("success", "true or false") }
        self.success = success
        message = try reader.optionalString("message")
        extra = reader.rest
    }

    package var json: JSONValue {
        var writer = FieldWriter(extra: extra)
        writer.set("success", success)
        writer.set("message", message)
        return writer.json
    }
}
