import JSONCore

/// The run a start created: `{"run": {...}}`, with `"recovered": true` when its answer was lost and the run found.
package struct StartedRun: DuvoModel {
    package static let kind = "answer"

    package var run: Run
    /// Whether the run was found after the start's answer was lost (see the client's recovery).
    package var recovered: Bool
    package var extra: [String: JSONValue]

    package init(run: Run, recovered: Bool, extra: [String: JSONValue] = [:]) {
        self.run = run
        self.recovered = recovered
        self.extra = extra
    }

    package init(reading reader: inout FieldReader) throws(DuvoAPIError) {
        run = try reader.model("run", Run.self)
        recovered = try reader.optionalBool("recovered") ?? false
        extra = reader.rest
    }

    package var json: JSONValue {
        var writer = FieldWriter(extra: extra)
        writer.set("run", run)
        if recovered { writer.set("recovered", true) }
        return writer.json
    }
}

/// The message a post wrote: `{"message": {...}}`, with `"recovered": true` when found after its answer was lost.
package struct PostedMessage: DuvoModel {
    package static let kind = "answer"

    package var message: Message
    package var recovered: Bool
    package var extra: [String: JSONValue]

    package init(message: Message, recovered: Bool, extra: [String: JSONValue] = [:]) {
        self.message = message
        self.recovered = recovered
        self.extra = extra
    }

    package init(reading reader: inout FieldReader) throws(DuvoAPIError) {
        message = try reader.model("message", Message.self)
        recovered = try reader.optionalBool("recovered") ?? false
        extra = reader.rest
    }

    package var json: JSONValue {
        var writer = FieldWriter(extra: extra)
        writer.set("message", message)
        if recovered { writer.set("recovered", true) }
        return writer.json
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
