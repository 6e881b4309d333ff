/// Why some bytes are not a JSON document, and where the parser gave up.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong, in words a person can act on.
    public enum Reason: Sendable, Hashable {
        case unexpectedEnd
        case unexpectedByte(UInt8)
        case invalidNumber
        case invalidEscape
        case invalidUTF8
        case controlCharacterInString
        case tooDeep(limit: Int)
        case trailingContent
        case emptyInput
    }

    /// What was wrong.
    public let reason: Reason
    /// The byte offset at which the problem was found.
    public let offset: Int

    public init(_ reason: Reason, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    public var description: String {
        let what: String
        switch reason {
        case .unexpectedEnd: what = "unexpected end of input"
        case .unexpectedByte(let byte):
            if byte >= 0x20 && byte < 0x7F {
                what = "unexpected character '\(Character(UnicodeScalar(byte)))'"
            } else {
                what = "unexpected byte 0x\(String(byte, radix: 16))"
            }
        case .invalidNumber: what = "invalid number"
        case .invalidEscape: what = "invalid escape sequence in string"
        case .invalidUTF8: what = "invalid UTF-8"
        case .controlCharacterInString: what = "unescaped control character in string"
        case .tooDeep(let limit): what = "nesting deeper than \(limit) levels"
        case .trailingContent: what = "unexpected content after the JSON value"
        case .emptyInput: what = "empty input"
        }
        return "\(what) at byte \(offset)"
    }
}
