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

    /// The property `name`, offered in several shapes (`anyOf`), reduced to the one at `position` (keeping the
    /// property's description).
    func narrowingProperty(_ name: String, toAlternative position: Int) -> JSONValue {
        guard let property = self["properties"]?[name], let shapes = property["anyOf"]?.arrayValue,
              shapes.indices.contains(position) else { return self }
        var shape = shapes[position]
        if let description = property["description"] { shape["description"] = description }
        var schema = self
        var properties = schema["properties"]?.objectValue ?? [:]
        properties[name] = shape
        schema["properties"] = .object(properties)
        return schema
    }

    /// The schema without an empty `required` array, which draft-04 validators reject.
    func droppingEmptyRequired() -> JSONValue {
        guard self["required"]?.arrayValue?.isEmpty == true, case .object(var members) = self else { return self }
        members["required"] = nil
        return .object(members)
    }

    /// The object schema with every optional property also admitting `null` (which the tools read as absent).
    ///
    /// OpenAI's strict mode makes every property required, so an optional argument must admit a value that means
    /// "not given"; `null` is that value. A property typed by name gets `null` added to its `type` (and to its `enum`),
    /// one built from alternatives gets a `null` alternative (`oneOf` becomes `anyOf`, which strict mode accepts).
    func nullableOptionals() -> JSONValue {
        guard var properties = self["properties"]?.objectValue else { return self }
        let required = Set((self["required"]?.arrayValue ?? []).compactMap(\.stringValue))
        for (name, property) in properties where !required.contains(name) {
            properties[name] = property.admittingNull()
        }
        var schema = self
        schema["properties"] = .object(properties)
        return schema
    }

    /// The formats OpenAI's strict mode accepts; it refuses a tool whose schema names another (`uri`).
    static let strictFormats: Set<String> = [
        "date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid",
    ]

    /// The object schema with each property's `default` and any format strict mode refuses moved into its
    /// description, so that strict function calling (Azure OpenAI refuses `default`) takes the schema as it is.
    /// Neither constrains a value: the server applies the defaults itself, and checks the values.
    func withAnnotationsInDescriptions() -> JSONValue {
        guard var properties = self["properties"]?.objectValue else { return self }
        for (name, property) in properties {
            guard case .object(var members) = property else { continue }
            var notes: [String] = []
            let description = members["description"]?.stringValue ?? ""
            if let value = members.removeValue(forKey: "default"), !description.contains("default") {
                notes.append("Default: \(value.jsonString).")
            }
            if let format = members["format"]?.stringValue, !Self.strictFormats.contains(format) {
                members["format"] = nil
                notes.append("Format: \(format).")
            }
            guard !notes.isEmpty || members.count != property.objectValue?.count else { continue }
            members["description"] = .string(([description] + notes).filter { !$0.isEmpty }.joined(separator: " "))
            properties[name] = .object(members)
        }
        var schema = self
        schema["properties"] = .object(properties)
        return schema
    }

    /// This schema, also admitting `null`.
    private func admittingNull() -> JSONValue {
        guard case .object(var members) = self else { return self }
        if let type = members["type"]?.stringValue {
            members["type"] = [.string(type), "null"]
            if var values = members["enum"]?.arrayValue, !values.contains(.null) {
                values.append(.null)
                members["enum"] = .array(values)
            }
            return .object(members)
        }
        let alternatives = members.removeValue(forKey: "anyOf") ?? members.removeValue(forKey: "oneOf")
        guard var branches = alternatives?.arrayValue else { return self }
        if !branches.contains(["type": "null"]) { branches.append(["type": "null"]) }
        members["anyOf"] = .array(branches)
        return .object(members)
    }
}
