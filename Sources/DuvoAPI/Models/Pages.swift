import JSONCore

/// One page of a run's messages: `{messages, total, limit, offset}`.
package struct MessagePage: DuvoModel {
    package static let kind = "page of messages"

    package var messages: [Message]
    /// How many messages the run has, when Duvo said.
    package var total: Int?
    package var limit: Int?
    package var offset: Int?
    package var extra: [String: JSONValue]

    package init(messages: [Message], total: Int?, limit: Int? = nil, offset: Int? = nil,
                 extra: [String: JSONValue] = [:]) {
        self.messages = messages
        self.total = total
        self.limit = limit
        self.offset = offset
        self.extra = extra
    }

    package init(reading reader: inout FieldReader) throws(DuvoAPIError) {
        messages = try reader.models("messages", Message.self)
        total = try reader.optionalInt("total")
        limit = try reader.optionalInt("limit")
        offset = try reader.optionalInt("offset")
        extra = reader.rest
    }

    package var json: JSONValue {
        var writer = FieldWriter(extra: extra)
        writer.set("messages", messages)
        writer.set("total", total)
        writer.set("limit", limit)
        writer.set("offset", offset)
        return writer.json
    }
}

/// A page of messages with Duvo's clock when it answered (the `Date` header, seconds since 1970).
package struct DatedMessagePage: Sendable, Hashable {
    package var page: MessagePage
    package var serverDate: Double?

    package init(page: MessagePage, serverDate: Double?) {
        self.page = page
        self.serverDate = serverDate
    }
}

/// One page of a team's runs: `{data, total, limit, offset}`.
package struct RunPage: DuvoModel {
    package static let kind = "page of runs"

    package var runs: [Run]
    package var total: Int?
    package var limit: Int?
    package var offset: Int?
    package var extra: [String: JSONValue]

    package init(runs: [Run], total: Int?, limit: Int? = nil, offset: Int? = nil, extra: [String: JSONValue] = [:]) {
        self.runs = runs
        self.total = total
        self.limit = limit
        self.offset = offset
        self.extra = extra
    }

    package init(reading reader: inout FieldReader) throws(DuvoAPIError) {
        runs = try reader.models("data", Run.self)
        total = try reader.optionalInt("total")
        limit = try reader.optionalInt("limit")
        offset = try reader.optionalInt("offset")
        extra = reader.rest
    }

    package var json: JSONValue {
        var writer = FieldWriter(extra: extra)
        writer.set("data", runs)
        writer.set("total", total)
        writer.set("limit", limit)
        writer.set("offset", offset)
        return writer.json
    }
}
