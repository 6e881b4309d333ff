import JSONRPC

/// Checks on params that JSON decoding cannot express, each failing with invalid params naming the field.
enum ParamChecks {
    /// `value` must be a UUID, as Duvo's ids are.
    static func uuid(_ value: String, field: String) throws(BridgeFailure) {
        guard isUUID(value) else {
            throw BridgeFailure.invalidParams("'\(field)' must be a UUID such as 550e8400-e29b-41d4-a716-446655440000, "
                + "got '\(value.prefix(80))'", field: field)
        }
    }

    /// Whether `value` is a UUID in its text form (8-4-4-4-12 hex digits, either case), as `UUID(uuidString:)` reads
    /// it.
    // Bytes, not Foundation's `UUID(uuidString:)`, which goes through sscanf.
    static func isUUID(_ value: String) -> Bool {
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
