import JSONCore

/// A model that Duvo lists in pages and returns alone from a write, each under a key of its own.
package protocol ListedModel: DuvoModel {
    /// Its key in a page: `messages`, `data` (runs).
    static var pageKey: String { get }
    /// Its key in a write's answer: `message`, `run`.
    static var answerKey: String { get }
}

extension Message: ListedModel {
    package static let pageKey = "messages"
    package static let answerKey = "message"
}

extension Run: ListedModel {
    package static let pageKey = "data"
    package static let answerKey = "run"
}

/// One page of a run's messages (`{messages, total, limit, offset}`) or a team's runs (`{data, total, ...}`).
package struct Page<Item: ListedModel>: DuvoModel {
    package static var kind: String { "page of \(Item.pageKey)" }

    package var items: [Item]
    /// How many there are in all, when Duvo said.
    package var total: Int?
    package var limit: Int?
    package var offset: Int?
    package var extra: [String: JSONValue]

    package init(items: [Item], total: Int?, limit: Int? = nil, offset: Int? = nil, extra: [String: JSONValue] = [:]) {
        self.items = items
        self.total = total
        self.limit = limit
        self.offset = offset
        self.extra = extra
    }

    package init(reading reader: inout FieldReader) throws(DuvoAPIError) {
        items = try reader.models(Item.pageKey, Item.self)
        total = try reader.optionalCount("total")
        limit = try reader.optionalCount("limit")
        offset = try reader.optionalCount("offset")
        extra = reader.rest
    }

    package var json: JSONValue {
        var writer = FieldWriter(extra: extra)
        writer.set(Item.pageKey, items)
        writer.set("total", total)
        writer.set("limit", limit)
        writer.set("offset", offset)
        return writer.json
    }
}

/// One page of a run's messages.
package typealias MessagePage = Page<Message>
/// One page of a team's runs.
package typealias RunPage = Page<Run>

extension Page where Item == Message {
    package var messages: [Message] {
        get { items }
        set { items = newValue }
    }

    package init(messages: [Message], total: Int?, limit: Int? = nil, offset: Int? = nil) {
        self.init(items: messages, total: total, limit: limit, offset: offset)
    }
}

extension Page where Item == Run {
    package var runs: [Run] {
        get { items }
        set { items = newValue }
    }

    package init(runs: [Run], total: Int?, limit: Int? = nil, offset: Int? = nil) {
        self.init(items: runs, total: total, limit: limit, offset: offset)
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
