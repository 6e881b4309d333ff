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
        throw .invalidParameter("'\(field)' must be one of \(allowed.joined(separator: ", ")), got '\(value)'",
                                field: field)
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
