import JSONCore

/// Small edits to an object schema, for tools that take or return a little more or less than their method.
extension JSONValue {
    /// The schema without the properties `names` (also dropped from `required`).
    func removingProperties(_ names: [String]) -> JSONValue {
        guard !names.isEmpty else { return self }
        var schema = self
        var properties = schema["properties"]?.objectValue ?? [:]
        for name in names { properties[name] = nil }
        schema["properties"] = .object(properties)
        schema["required"] = .array((schema["required"]?.arrayValue ?? []).filter {
            !names.contains($0.stringValue ?? "")
        })
        return schema
    }

    /// The schema with `properties` added or replaced, and `required` extended.
    func addingProperties(_ added: [String: JSONValue], required: [String] = []) -> JSONValue {
        guard !added.isEmpty || !required.isEmpty else { return self }
        var schema = self
        var properties = schema["properties"]?.objectValue ?? [:]
        for (name, property) in added { properties[name] = property }
        schema["properties"] = .object(properties)
        var names = schema["required"]?.arrayValue ?? []
        for name in required where !names.contains(.string(name)) { names.append(.string(name)) }
        schema["required"] = .array(names)
        return schema
    }

    /// The property `name` with its members overridden by `changes`; a `null` change removes the member.
    func updatingProperty(_ name: String, with changes: [String: JSONValue]) -> JSONValue {
        guard var property = self["properties"]?[name] else { return self }
        for (key, value) in changes {
            // `nil` here would be read as JSON null (JSONValue is nil-literal convertible), so remove explicitly.
            property[key] = value.isNull ? JSONValue?.none : value
        }
        var schema = self
        var properties = schema["properties"]?.objectValue ?? [:]
        properties[name] = property
        schema["properties"] = .object(properties)
        return schema
    }

    /// The schema without an empty `required` array, which draft-04 validators reject.
    func droppingEmptyRequired() -> JSONValue {
        guard self["required"]?.arrayValue?.isEmpty == true, case .object(var members) = self else { return self }
        members["required"] = nil
        return .object(members)
    }
}
