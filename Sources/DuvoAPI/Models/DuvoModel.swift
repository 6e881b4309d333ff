import JSONCore

/// One of Duvo's JSON objects read into a Swift value: the fields this client acts on are typed, every other member
/// (a field a newer Duvo added, a field the documents do not name) is kept in `extra` and written back out, so it
/// still reaches the bridge's callers.
///
/// This file and the models' `init(reading:)` and `json` are the only places that look Duvo's fields up by name.
package protocol DuvoModel: Sendable, Hashable {
    /// What the object is, for error messages ("run", "message").
    static var kind: String { get }
    /// Reads the typed fields out of `reader`; what is left becomes `extra`.
    init(reading reader: inout FieldReader) throws(DuvoAPIError)
    /// The object as Duvo's JSON: the typed fields and `extra`.
    var json: JSONValue { get }
}

extension DuvoModel {
    /// Decodes `value`, which came from Duvo as the answer to `operation`.
    /// - Throws: ``DuvoAPIError/invalidResponse(operation:detail:)`` naming the field that cannot be read.
    package init(decoding value: JSONValue, operation: String) throws(DuvoAPIError) {
        var reader = try FieldReader(value, kind: Self.kind, operation: operation)
        try self.init(reading: &reader)
    }
}

/// Takes the members of one of Duvo's objects out one by one; what no model field takes stays in ``rest``.
///
/// A documented field that holds `null` is read as absent and stays in ``rest``, so that it is written back as it came.
package struct FieldReader {
    /// The members not taken yet.
    package private(set) var rest: [String: JSONValue]
    private let kind: String
    private let operation: String

    init(_ value: JSONValue, kind: String, operation: String) throws(DuvoAPIError) {
        guard case .object(let members) = value else {
            throw .invalidResponse(operation: operation, detail: "Duvo's \(kind) is \(value.kindDescription), "
                + "not an object")
        }
        rest = members
        self.kind = kind
        self.operation = operation
    }

    /// The error for a member that does not have the documented shape.
    func invalid(_ key: String, _ expected: String) -> DuvoAPIError {
        guard let found = rest[key], !found.isNull else {
            return .invalidResponse(operation: operation, detail: "Duvo's \(kind) has no '\(key)' (\(expected))")
        }
        return .invalidResponse(operation: operation, detail: "'\(key)' of Duvo's \(kind) is "
            + "\(found.kindDescription), not \(expected)")
    }

    /// Takes `key`'s value when present and not null (else leaves it).
    private mutating func take<T>(_ key: String, _ expected: String, _ read: (JSONValue) -> T?)
        throws(DuvoAPIError) -> T?
    {
        guard let value = rest[key], !value.isNull else { return nil }
        guard let typed = read(value) else { throw invalid(key, expected) }
        rest[key] = nil
        return typed
    }

    /// A string that must be there.
    package mutating func string(_ key: String) throws(DuvoAPIError) -> String {
        guard let text = try optionalString(key) else { throw invalid(key, "a string") }
        return text
    }

    /// A string, or nil when missing or null.
    package mutating func optionalString(_ key: String) throws(DuvoAPIError) -> String? {
        try take(key, "a string") { $0.stringValue }
    }

    /// A count (a whole number from 0 to 2^53 - 1, so that sums of counts cannot overflow), or nil when missing or
    /// null.
    package mutating func optionalCount(_ key: String) throws(DuvoAPIError) -> Int? {
        try take(key, "a count (a whole number from 0)") { value in
            value.intValue.flatMap { (0...Int.largestCount).contains($0) ? $0 : nil }
        }
    }

    /// A boolean, or nil when missing or null.
    package mutating func optionalBool(_ key: String) throws(DuvoAPIError) -> Bool? {
        try take(key, "true or false") { $0.boolValue }
    }

    /// A number, or nil when missing or null.
    package mutating func optionalDouble(_ key: String) throws(DuvoAPIError) -> Double? {
        try take(key, "a number") { $0.doubleValue }
    }

    /// An object kept whole, or nil when missing or null.
    package mutating func optionalObject(_ key: String) throws(DuvoAPIError) -> [String: JSONValue]? {
        try take(key, "an object") { $0.objectValue }
    }

    /// An object kept whole (a part the client passes on and does not act on).
    package mutating func object(_ key: String) throws(DuvoAPIError) -> [String: JSONValue] {
        guard let members = try take(key, "an object", { $0.objectValue }) else { throw invalid(key, "an object") }
        return members
    }

    /// A nested model, or nil when missing or null.
    package mutating func optionalModel<M: DuvoModel>(_ key: String, _ type: M.Type) throws(DuvoAPIError) -> M? {
        guard let value = rest[key], !value.isNull else { return nil }
        var inner = try FieldReader(value, kind: key, operation: operation)
        let model = try M(reading: &inner)
        rest[key] = nil
        return model
    }

    /// A nested model that must be there.
    package mutating func model<M: DuvoModel>(_ key: String, _ type: M.Type) throws(DuvoAPIError) -> M {
        guard let model = try optionalModel(key, type) else { throw invalid(key, "an object") }
        return model
    }

    /// An array of models, or nil when missing or null.
    package mutating func optionalModels<M: DuvoModel>(_ key: String, _ type: M.Type) throws(DuvoAPIError) -> [M]? {
        guard let value = rest[key], !value.isNull else { return nil }
        guard let items = value.arrayValue else { throw invalid(key, "an array") }
        var models: [M] = []
        models.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            var inner = try FieldReader(item, kind: "\(key)[\(index)]", operation: operation)
            models.append(try M(reading: &inner))
        }
        rest[key] = nil
        return models
    }

    /// An array of models that must be there.
    package mutating func models<M: DuvoModel>(_ key: String, _ type: M.Type) throws(DuvoAPIError) -> [M] {
        guard let models = try optionalModels(key, type) else { throw invalid(key, "an array") }
        return models
    }
}

/// Builds a model's JSON: `extra` first, then the typed fields over it.
package struct FieldWriter {
    package private(set) var members: [String: JSONValue]

    package init(extra: [String: JSONValue]) {
        members = extra
    }

    /// Writes `value` under `key`; nil writes nothing (a null that came from Duvo is in `extra`).
    package mutating func set(_ key: String, _ value: JSONValue?) {
        if let value { members[key] = value }
    }

    package mutating func set(_ key: String, _ value: String?) { set(key, value.map(JSONValue.string)) }
    package mutating func set(_ key: String, _ value: Int?) { set(key, value.map { JSONValue.int($0) }) }
    package mutating func set(_ key: String, _ value: Bool?) { set(key, value.map(JSONValue.bool)) }
    package mutating func set<M: DuvoModel>(_ key: String, _ value: M?) { set(key, value?.json) }
    package mutating func set<M: DuvoModel>(_ key: String, _ values: [M]?) {
        set(key, values.map { JSONValue.array($0.map(\.json)) })
    }

    package var json: JSONValue { .object(members) }
}

extension Int {
    /// The largest count or offset read from Duvo or taken from a caller: JSON's largest exact integer, far beyond
    /// anything Duvo counts, so that sums of counts and offsets cannot overflow.
    package static let largestCount = (1 << 53) - 1
}
