/// Checks on an operation's parameters that their types cannot express, each failing with
/// ``RunOperationError/invalidParameter(_:field:)`` naming the field.
package enum ParameterChecks {
    /// `value`, when given, must lie in `range`.
    package static func range<T: Comparable & CustomStringConvertible>(_ value: T?, _ range: ClosedRange<T>,
                                                                       field: String) throws(RunOperationError) {
        guard let value else { return }
        guard range.contains(value) else {
            throw .invalidParameter("'\(field)' must be between \(range.lowerBound) and \(range.upperBound), "
                + "got \(value)", field: field)
        }
    }

    /// `value`, when given, must be one of `allowed`.
    package static func oneOf(_ value: String?, _ allowed: [String], field: String) throws(RunOperationError) {
        guard let value, !allowed.contains(value) else { return }
        throw .invalidParameter("'\(field)' must be one of \(allowed.joined(separator: ", ")), got "
            + "'\(value.prefix(80))'", field: field)
    }

    /// `value`, when given, must look like an ISO 8601 time (`2026-05-18T09:30:00Z`): digits, letters and `-:.+`,
    /// 40 characters at most. Anything else would cost a request for Duvo's 400, or not fit in a URL at all.
    package static func timestamp(_ value: String?, field: String) throws(RunOperationError) {
        guard let value else { return }
        let allowed = value.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-:.+".unicodeScalars.contains(scalar))
        }
        guard value.isEmpty || !allowed || value.count > 40 else { return }
        throw .invalidParameter("'\(field)' must be an ISO 8601 time such as 2026-05-18T09:30:00Z, got "
            + "'\(value.prefix(80))'", field: field)
    }

    /// Status names to filter on: at most 16, each lower-case letters and `_`, 32 characters at most. Names this
    /// bridge does not know pass: Duvo may add statuses, and it answers a name it does not know.
    package static func statusNames(_ values: [String], field: String) throws(RunOperationError) {
        guard values.count <= 16 else {
            throw .invalidParameter("'\(field)' names \(values.count) statuses; at most 16", field: field)
        }
        for value in values {
            let word = value.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || $0 == "_" }
            guard !word || value.isEmpty || value.count > 32 else { continue }
            throw .invalidParameter("'\(field)' must name statuses such as running or completed, got "
                + "'\(value.prefix(80))'", field: field)
        }
    }

    /// `value`, when given, must not be empty.
    package static func nonEmpty(_ value: String?, field: String) throws(RunOperationError) {
        guard let value, value.isEmpty else { return }
        throw .invalidParameter("'\(field)' must not be empty", field: field)
    }

    /// `value`, when given, must be a UUID, as Duvo's ids are.
    package static func uuid(_ value: String?, field: String) throws(RunOperationError) {
        guard let value else { return }
        _ = try RunID.checked(value, field: field)
    }
}
