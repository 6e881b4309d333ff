/// One reply of a Redis server in RESP2.
public enum RESPValue: Sendable, Hashable {
    /// `+OK`
    case simple(String)
    /// `-ERR ...`
    case error(String)
    /// `:42`
    case integer(Int)
    /// `$5\r\nhello`; nil for `$-1` (no value).
    case bulk([UInt8]?)
    /// `*2\r\n...`; nil for `*-1`.
    case array([RESPValue]?)

    /// The reply as text, for simple strings, bulk strings and integers.
    public var text: String? {
        switch self {
        case .simple(let text): text
        case .bulk(let bytes?): String(decoding: bytes, as: UTF8.self)
        case .integer(let value): String(value)
        default: nil
        }
    }

    /// A command as RESP: an array of bulk strings.
    static func command(_ arguments: [String]) -> [UInt8] {
        var bytes = Array("*\(arguments.count)\r\n".utf8)
        for argument in arguments {
            let utf8 = Array(argument.utf8)
            bytes += Array("$\(utf8.count)\r\n".utf8)
            bytes += utf8
            bytes += [13, 10]
        }
        return bytes
    }
}

/// Parses RESP2 replies from bytes as they arrive.
struct RESPReader {
    private var buffer: [UInt8] = []
    private var position = 0

    /// Adds received bytes.
    mutating func append(_ bytes: some Sequence<UInt8>) {
        if position > 0 && position == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            position = 0
        }
        buffer += bytes
    }

    /// The next whole reply, nil when more bytes are needed.
    /// - Throws: ``RESPProtocolError`` for bytes that are not RESP.
    mutating func next() throws(RESPProtocolError) -> RESPValue? {
        var cursor = position
        guard let value = try parse(&cursor) else { return nil }
        position = cursor
        return value
    }

    private func parse(_ cursor: inout Int) throws(RESPProtocolError) -> RESPValue? {
        guard cursor < buffer.count else { return nil }
        let kind = buffer[cursor]
        var lineCursor = cursor + 1
        guard let line = self.line(&lineCursor) else { return nil }
        switch kind {
        case UInt8(ascii: "+"):
            cursor = lineCursor
            return .simple(line)
        case UInt8(ascii: "-"):
            cursor = lineCursor
            return .error(line)
        case UInt8(ascii: ":"):
            guard let value = Int(line) else { throw RESPProtocolError(detail: "bad integer '\(line)'") }
            cursor = lineCursor
            return .integer(value)
        case UInt8(ascii: "$"):
            guard let length = Int(line), length >= -1 else { throw RESPProtocolError(detail: "bad length '\(line)'") }
            if length == -1 {
                cursor = lineCursor
                return .bulk(nil)
            }
            guard buffer.count >= lineCursor + length + 2 else { return nil }
            let bytes = Array(buffer[lineCursor..<lineCursor + length])
            cursor = lineCursor + length + 2
            return .bulk(bytes)
        case UInt8(ascii: "*"):
            guard let count = Int(line), count >= -1 else { throw RESPProtocolError(detail: "bad count '\(line)'") }
            if count == -1 {
                cursor = lineCursor
                return .array(nil)
            }
            var elements: [RESPValue] = []
            var elementCursor = lineCursor
            for _ in 0..<count {
                guard let element = try parse(&elementCursor) else { return nil }
                elements.append(element)
            }
            cursor = elementCursor
            return .array(elements)
        default:
            throw RESPProtocolError(detail: "unexpected type byte \(kind)")
        }
    }

    /// The text up to the next CRLF, moving `cursor` past it; nil when the line is not complete yet.
    private func line(_ cursor: inout Int) -> String? {
        var end = cursor
        while end + 1 < buffer.count {
            if buffer[end] == 13 && buffer[end + 1] == 10 {
                let text = String(decoding: buffer[cursor..<end], as: UTF8.self)
                cursor = end + 2
                return text
            }
            end += 1
        }
        return nil
    }
}

/// Bytes from the server that are not RESP2.
struct RESPProtocolError: Error, Sendable {
    let detail: String
}
