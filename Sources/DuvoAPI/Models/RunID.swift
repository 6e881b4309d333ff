/// A run's id as a caller gave it, checked to be a UUID (8-4-4-4-12 hex digits, either case), as Duvo's ids are.
package struct RunID: Sendable, Hashable, CustomStringConvertible {
    /// The id as given.
    package let text: String

    /// The id in `text`, or nil when it is not a UUID.
    package init?(_ text: String) {
        guard Self.isUUID(text) else { return nil }
        self.text = text
    }

    /// The id in `text`, which the params field `field` carried.
    /// - Throws: ``InvalidID`` saying what an id looks like.
    package init(validating text: String, field: String = "run_id") throws(InvalidID) {
        guard let id = RunID(text) else { throw InvalidID(field: field, given: text) }
        self = id
    }

    /// An id taken as it is: one Duvo gave (a started run's), or one whose follow reports its own failure.
    package init(unchecked text: String) {
        self.text = text
    }

    package var description: String { text }

    /// Whether `value` is a UUID in its text form, as `UUID(uuidString:)` reads it.
    package static func isUUID(_ value: String) -> Bool {
        var count = 0
        for byte in value.utf8 {
            switch (count, byte) {
            case (8, UInt8(ascii: "-")), (13, UInt8(ascii: "-")), (18, UInt8(ascii: "-")), (23, UInt8(ascii: "-")): break
            case (8, _), (13, _), (18, _), (23, _): return false
            case (_, UInt8(ascii: "0")...UInt8(ascii: "9")), (_, UInt8(ascii: "a")...UInt8(ascii: "f")),
                 (_, UInt8(ascii: "A")...UInt8(ascii: "F")): break
            default: return false
            }
            count += 1
            if count > 36 { return false }
        }
        return count == 36
    }
}

/// An id (of a run, an agent, a request) that is not a UUID.
package struct InvalidID: Error, Sendable, Hashable {
    /// The params field that carried it (`run_id`, `agent_id`, `request_id`).
    package let field: String
    /// What was given.
    package let given: String

    package init(field: String, given: String) {
        self.field = field
        self.given = given
    }

    /// What is wrong, and what an id looks like.
    package var message: String {
        "'\(field)' must be a UUID such as 550e8400-e29b-41d4-a716-446655440000, got '\(given.prefix(80))'"
    }
}
