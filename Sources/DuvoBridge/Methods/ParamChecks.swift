import DuvoAPI
import JSONRPC

/// Checks on params that JSON decoding cannot express, each failing with invalid params naming the field.
enum ParamChecks {
    /// `value` must be a UUID, as Duvo's ids are (``RunID``'s check, with its words).
    static func uuid(_ value: String, field: String) throws(BridgeFailure) {
        guard RunID.isUUID(value) else {
            throw BridgeFailure.invalidParams(InvalidID(field: field, given: value).message, field: field)
        }
    }

    /// `value`, when given, must lie in `range`.
    static func range<T: Comparable & CustomStringConvertible>(_ value: T?, _ range: ClosedRange<T>, field: String)
        throws(BridgeFailure)
    {
        guard let value else { return }
        guard range.contains(value) else {
            throw BridgeFailure.invalidParams("'\(field)' must be between \(range.lowerBound) and \(range.upperBound), "
                + "got \(value)", field: field)
        }
    }

    /// `value`, when given, must be one of `allowed`.
    static func oneOf(_ value: String?, _ allowed: [String], field: String) throws(BridgeFailure) {
        guard let value, !allowed.contains(value) else { return }
        throw BridgeFailure.invalidParams("'\(field)' must be one of \(allowed.joined(separator: ", ")), got '\(value)'",
                                     field: field)
    }

    /// `value`, when given, must not be empty.
    static func nonEmpty(_ value: String?, field: String) throws(BridgeFailure) {
        guard let value, value.isEmpty else { return }
        throw BridgeFailure.invalidParams("'\(field)' must not be empty", field: field)
    }
}
