/// A strict RFC 8259 parser from UTF-8 bytes to ``JSONValue``.
///
/// It rejects invalid UTF-8, unescaped control characters, leading zeros and trailing garbage, and it stops at a
/// nesting limit instead of recursing without bound, so hostile input yields an error rather than a crash.
public struct JSONParser: Sendable {
    /// The deepest nesting of arrays and objects accepted.
    public var maxDepth: Int

    /// A parser that accepts documents nested at most `maxDepth` levels deep.
    public init(maxDepth: Int = 256) {
        self.maxDepth = maxDepth
    }

    /// Parses one JSON document that spans all of `bytes` (surrounding white space allowed).
    /// - Throws: ``JSONParseError`` naming the problem and its byte offset.
    public func parse<Bytes: Collection>(_ bytes: Bytes) throws(JSONParseError) -> JSONValue where Bytes.Element == UInt8 {
        let result: Result<JSONValue, JSONParseError>? = bytes.withContiguousStorageIfAvailable { buffer in
            parse(buffer: buffer)
        }
        if let result { return try result.get() }
        let copy = Array(bytes)
        return try copy.withUnsafeBufferPointer { parse(buffer: $0) }.get()
    }

    /// Parses one JSON document from a string.
    public func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { parse(buffer: $0) }
        return try result.get()
    }

    private func parse(buffer: UnsafeBufferPointer<UInt8>) -> Result<JSONValue, JSONParseError> {
        var cursor = Cursor(bytes: buffer, maxDepth: maxDepth)
        do {
            cursor.skipWhitespace()
            guard !cursor.atEnd else { throw JSONParseError(.emptyInput, at: 0) }
            let value = try cursor.parseValue(depth: 0)
            cursor.skipWhitespace()
            guard cursor.atEnd else { throw JSONParseError(.trailingContent, at: cursor.offset) }
            return .success(value)
        } catch let error as JSONParseError {
            return .failure(error)
        } catch {
            return .failure(JSONParseError(.unexpectedEnd, at: cursor.offset))
        }
    }
}

/// The parser's position in the input; all the byte-level work happens here.
private struct Cursor {
    let bytes: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var offset = 0

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    var atEnd: Bool { offset >= bytes.count }

    mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x09, 0x0A, 0x0D: offset += 1
            default: return
            }
        }
    }

    func peek() throws(JSONParseError) -> UInt8 {
        guard offset < bytes.count else { throw JSONParseError(.unexpectedEnd, at: offset) }
        return bytes[offset]
    }

    mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        switch try peek() {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        case let byte: throw JSONParseError(.unexpectedByte(byte), at: offset)
        }
    }

    mutating func expectWord(_ word: StaticString) throws(JSONParseError) {
        let start = offset
        for expected in UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount) {
            guard offset < bytes.count else { throw JSONParseError(.unexpectedEnd, at: offset) }
            guard bytes[offset] == expected else { throw JSONParseError(.unexpectedByte(bytes[offset]), at: offset) }
            offset += 1
        }
        _ = start
    }

    mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= maxDepth else { throw JSONParseError(.tooDeep(limit: maxDepth), at: offset) }
        offset += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if try peek() == UInt8(ascii: "}") {
            offset += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            let byte = try peek()
            guard byte == UInt8(ascii: "\"") else { throw JSONParseError(.unexpectedByte(byte), at: offset) }
            let key = try parseString()
            skipWhitespace()
            let colon = try peek()
            guard colon == UInt8(ascii: ":") else { throw JSONParseError(.unexpectedByte(colon), at: offset) }
            offset += 1
            skipWhitespace()
            members[key] = try parseValue(depth: depth)
            skipWhitespace()
            let next = try peek()
            offset += 1
            if next == UInt8(ascii: ",") { continue }
            if next == UInt8(ascii: "}") { return .object(members) }
            throw JSONParseError(.unexpectedByte(next), at: offset - 1)
        }
    }

    mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= maxDepth else { throw JSONParseError(.tooDeep(limit: maxDepth), at: offset) }
        offset += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if try peek() == UInt8(ascii: "]") {
            offset += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            let next = try peek()
            offset += 1
            if next == UInt8(ascii: ",") { continue }
            if next == UInt8(ascii: "]") { return .array(elements) }
            throw JSONParseError(.unexpectedByte(next), at: offset - 1)
        }
    }

    mutating func parseNumber() throws(JSONParseError) -> JSONNumber {
        let start = offset
        if bytes[offset] == UInt8(ascii: "-") { offset += 1 }
        guard offset < bytes.count else { throw JSONParseError(.invalidNumber, at: start) }
        if bytes[offset] == UInt8(ascii: "0") {
            offset += 1
        } else if isDigit(bytes[offset]) {
            while offset < bytes.count, isDigit(bytes[offset]) { offset += 1 }
        } else {
            throw JSONParseError(.invalidNumber, at: start)
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
            offset += 1
            guard offset < bytes.count, isDigit(bytes[offset]) else { throw JSONParseError(.invalidNumber, at: start) }
            while offset < bytes.count, isDigit(bytes[offset]) { offset += 1 }
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "e") || bytes[offset] == UInt8(ascii: "E") {
            offset += 1
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-") {
                offset += 1
            }
            guard offset < bytes.count, isDigit(bytes[offset]) else { throw JSONParseError(.invalidNumber, at: start) }
            while offset < bytes.count, isDigit(bytes[offset]) { offset += 1 }
        }
        // A digit straight after a leading zero ("01") is not a JSON number.
        if offset < bytes.count, isDigit(bytes[offset]) { throw JSONParseError(.invalidNumber, at: start) }
        let literal = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
        return JSONNumber(uncheckedLiteral: literal)
    }

    func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    mutating func parseString() throws(JSONParseError) -> String {
        offset += 1  // opening quote
        let start = offset
        // Fast path: no escapes.
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<offset])
                guard let text = String(validating: slice, as: UTF8.self) else {
                    throw JSONParseError(.invalidUTF8, at: start)
                }
                offset += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw JSONParseError(.controlCharacterInString, at: offset) }
            offset += 1
        }
        guard offset < bytes.count else { throw JSONParseError(.unexpectedEnd, at: offset) }
        // Slow path: rebuild with escapes decoded.
        var scratch: [UInt8] = Array(UnsafeBufferPointer(rebasing: bytes[start..<offset]))
        while offset < bytes.count {
            let byte = bytes[offset]
            switch byte {
            case UInt8(ascii: "\""):
                offset += 1
                guard let text = String(validating: scratch, as: UTF8.self) else {
                    throw JSONParseError(.invalidUTF8, at: start)
                }
                return text
            case UInt8(ascii: "\\"):
                offset += 1
                try decodeEscape(into: &scratch)
            case 0..<0x20:
                throw JSONParseError(.controlCharacterInString, at: offset)
            default:
                scratch.append(byte)
                offset += 1
            }
        }
        throw JSONParseError(.unexpectedEnd, at: offset)
    }

    mutating func decodeEscape(into scratch: inout [UInt8]) throws(JSONParseError) {
        let escape = try peek()
        offset += 1
        switch escape {
        case UInt8(ascii: "\""): scratch.append(0x22)
        case UInt8(ascii: "\\"): scratch.append(0x5C)
        case UInt8(ascii: "/"): scratch.append(0x2F)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try readHex4()
            if (0xD800...0xDBFF).contains(scalar) {
                // A high surrogate must be followed by an escaped low surrogate; a lone one becomes U+FFFD.
                if offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") {
                    let save = offset
                    offset += 2
                    let low = try readHex4()
                    if (0xDC00...0xDFFF).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        offset = save
                        scalar = 0xFFFD
                    }
                } else {
                    scalar = 0xFFFD
                }
            } else if (0xDC00...0xDFFF).contains(scalar) {
                scalar = 0xFFFD
            }
            let unicode = UnicodeScalar(scalar) ?? "\u{FFFD}"
            scratch.append(contentsOf: Array(String(Character(unicode)).utf8))
        default:
            throw JSONParseError(.invalidEscape, at: offset - 2)
        }
    }

    mutating func readHex4() throws(JSONParseError) -> UInt32 {
        guard offset + 4 <= bytes.count else { throw JSONParseError(.unexpectedEnd, at: offset) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[offset]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw JSONParseError(.invalidEscape, at: offset)
            }
            value = value << 4 | digit
            offset += 1
        }
        return value
    }
}
