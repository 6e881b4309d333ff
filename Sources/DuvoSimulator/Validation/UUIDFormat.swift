/// The textual UUID format (`8-4-4-4-12` hex digits, any letter case) that ids must have.
enum UUIDFormat {
    /// Whether `text` is a UUID.
    static func isValid(_ text: String) -> Bool {
        let bytes = text.utf8
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            switch index {
            case 8, 13, 18, 23:
                guard byte == UInt8(ascii: "-") else { return false }
            default:
                guard (48...57).contains(byte) || (65...70).contains(byte) || (97...102).contains(byte) else {
                    return false
                }
            }
        }
        return true
    }

    /// `text` lowercased when it is a UUID.
    /// - Throws: 400 `invalid_uuid` naming the parameter.
    static func require(_ text: String, name: String) throws(APIError) -> String {
        guard isValid(text) else {
            throw .invalidUUID(
                "\(name) must be a UUID like 550e8400-e29b-41d4-a716-446655440000, got '\(text.prefix(64))'.")
        }
        return text.lowercased()
    }
}
