import Diagnostics

/// One reply of a Redis server in RESP2.
package enum RESPValue: Sendable, Hashable {
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
    package var text: String? {
        switch self {
        case .simple(let text): text
        case .bulk(let bytes?): String(decoding: bytes, as: UTF8.self)
        case .integer(let value): String(value)
        default: nil
        }
    }

    /// What kind of reply this is, for error messages: its type and size, never its content (a server error keeps
    /// its code and the start of its message, printable characters only, so a hostile server cannot flood a log).
    package var summary: String {
        switch self {
        case .simple: "a simple string"
        case .error(let message): "an error (\(Self.printable(message, limit: 80)))"
        case .integer: "an integer"
        case .bulk(nil): "a null bulk string"
        case .bulk(let bytes?): "a bulk string of \(bytes.count) bytes"
        case .array(nil): "a null array"
        case .array(let items?): "an array of \(items.count) elements"
        }
    }

    /// Text from the server as it may be shown: every registered secret replaced, then the first `limit` characters
    /// with anything but printable ASCII replaced by `?`. Redacted first because a server may echo the password (in
    /// an `AUTH` error, say), and a cut or a `?` would leave a part the redactor no longer recognises.
    static func printable(_ text: String, limit: Int) -> String {
        var result = ""
        for scalar in SecretRedactor.redact(text).unicodeScalars.prefix(limit) {
            result.unicodeScalars.append((32..<127).contains(scalar.value) ? scalar : "?")
        }
        return result
    }

    /// An error reply's code (its first word, e.g. `WRONGPASS`), as it may be shown: taken after redaction, so a
    /// password with a space in it, echoed first, is not cut into words the redactor cannot match.
    static func errorCode(_ message: String) -> String {
        printable(String(SecretRedactor.redact(message).prefix { $0 != " " }), limit: 32)
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

/// Parses RESP2 replies from bytes as they arrive, within limits, whatever the server sends.
///
/// Parsing is incremental: each byte is looked at about once however the bytes are split (no re-parse from the
/// start of a reply when more arrives), arrays are built on an explicit stack of bounded depth (no recursion), and a
/// reply larger than ``maxReplyBytes`` or a length or count that could not fit in it fails at once, before anything
/// is allocated for it. After an error the reader is unusable: the connection must be dropped.
struct RESPReader {
    /// The largest reply accepted, in bytes on the wire: our scripts answer a few hundred bytes, sweep results a few
    /// hundred KiB.
    static let defaultMaxReplyBytes = 4 << 20
    /// The deepest nesting of arrays accepted: our replies nest one or two levels.
    static let defaultMaxDepth = 16

    let maxReplyBytes: Int
    let maxDepth: Int

    private var buffer: [UInt8] = []
    /// Where unparsed bytes start in `buffer`.
    private var position = 0
    /// Where the search for the current line's CR LF goes on (bytes before it were looked at already).
    private var scanned = 0
    /// The length of a bulk string whose header was read and whose payload has not arrived whole yet.
    private var pendingBulk: Int?
    /// Arrays being filled: how many elements each still needs, and those it has.
    private var stack: [(remaining: Int, elements: [RESPValue])] = []
    /// Bytes of the current reply consumed so far (its header included).
    private var replyBytes = 0
    /// The type byte that began the current reply, for error messages.
    private var replyKind: UInt8?

    init(maxReplyBytes: Int = defaultMaxReplyBytes, maxDepth: Int = defaultMaxDepth) {
        self.maxReplyBytes = maxReplyBytes
        self.maxDepth = maxDepth
    }

    /// The type of the reply being read (or the last one read), e.g. "a bulk string", for error messages; nil
    /// before its first byte.
    var currentKind: String? { replyKind.map(Self.kindName) }

    /// Whether bytes after the last whole reply wait to be parsed.
    var hasUnparsedBytes: Bool { position < buffer.count }

    /// Adds received bytes.
    mutating func append(_ bytes: some Collection<UInt8>) {
        // Dropping what was parsed only once it is at least half the buffer keeps appends amortised linear.
        if position > 0 && position * 2 >= buffer.count {
            buffer.removeSubrange(0..<position)
            scanned -= position
            position = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next whole reply, nil when more bytes are needed.
    /// - Throws: ``RESPProtocolError`` for bytes that are not RESP or break a limit.
    mutating func next() throws(RESPProtocolError) -> RESPValue? {
        while true {
            guard let value = try element() else {
                if replyKind != nil && replyBytes + (buffer.count - position) > maxReplyBytes {
                    throw fault("is larger than \(maxReplyBytes >> 20) MiB")
                }
                return nil
            }
            if let completed = try push(value) {
                replyBytes = 0
                return completed
            }
        }
    }

    /// Adds a finished element to the innermost array; returns the reply when that finished the outermost one.
    private mutating func push(_ value: RESPValue) throws(RESPProtocolError) -> RESPValue? {
        var value = value
        while let top = stack.indices.last {
            stack[top].elements.append(value)
            stack[top].remaining -= 1
            guard stack[top].remaining == 0 else { return nil }
            value = .array(stack.removeLast().elements)
        }
        return value
    }

    /// Reads one scalar element, or the header of an array (pushed on the stack, then nil is not returned: the
    /// loop in ``next()`` goes on with its first element). Nil when more bytes are needed.
    private mutating func element() throws(RESPProtocolError) -> RESPValue? {
        while true {
            if let length = pendingBulk {
                guard buffer.count - position >= length + 2 else { return nil }
                guard buffer[position + length] == 13, buffer[position + length + 1] == 10 else {
                    throw fault("has a bulk string without CR LF after its \(length) bytes")
                }
                let bytes = Array(buffer[position..<position + length])
                consume(length + 2)
                pendingBulk = nil
                return .bulk(bytes)
            }
            guard position < buffer.count else { return nil }
            let kind = buffer[position]
            if stack.isEmpty && replyBytes == 0 { replyKind = kind }
            guard let line = try line() else { return nil }
            switch kind {
            case UInt8(ascii: "+"):
                return .simple(line)
            case UInt8(ascii: "-"):
                return .error(line)
            case UInt8(ascii: ":"):
                guard let value = Int(line) else { throw fault("has an integer that is not a number") }
                return .integer(value)
            case UInt8(ascii: "$"):
                guard let length = Int(line), length >= -1 else { throw fault("has a bad bulk string length") }
                if length == -1 { return .bulk(nil) }
                guard length <= maxReplyBytes - replyBytes else {
                    throw fault("announces a bulk string of \(length) bytes, over the \(maxReplyBytes >> 20) MiB limit")
                }
                pendingBulk = length
            case UInt8(ascii: "*"):
                guard let count = Int(line), count >= -1 else { throw fault("has a bad array length") }
                if count == -1 { return .array(nil) }
                if count == 0 { return .array([]) }
                // Every element takes at least 3 bytes ("+\r\n").
                guard count <= (maxReplyBytes - replyBytes) / 3 else {
                    throw fault("announces an array of \(count) elements, over the \(maxReplyBytes >> 20) MiB limit")
                }
                guard stack.count < maxDepth else { throw fault("nests arrays deeper than \(maxDepth) levels") }
                stack.append((count, []))
            default:
                throw fault("starts an element with the byte \(kind) instead of a RESP type")
            }
        }
    }

    /// The current element's first line without its type byte, consumed; nil when its CR LF has not arrived.
    private mutating func line() throws(RESPProtocolError) -> String? {
        var end = max(scanned, position + 1)
        while end + 1 < buffer.count {
            if buffer[end] == 13 && buffer[end + 1] == 10 {
                let text = String(decoding: buffer[(position + 1)..<end], as: UTF8.self)
                consume(end + 2 - position)
                return text
            }
            end += 1
        }
        scanned = end
        guard replyBytes + (end - position) <= maxReplyBytes else {
            throw fault("has a line longer than \(maxReplyBytes >> 20) MiB")
        }
        return nil
    }

    private mutating func consume(_ count: Int) {
        position += count
        scanned = position
        replyBytes += count
    }

    private func fault(_ detail: String) -> RESPProtocolError {
        RESPProtocolError(kind: currentKind ?? "no reply", detail: detail)
    }

    private static func kindName(_ byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "+"): "a simple string"
        case UInt8(ascii: "-"): "an error"
        case UInt8(ascii: ":"): "an integer"
        case UInt8(ascii: "$"): "a bulk string"
        case UInt8(ascii: "*"): "an array"
        default: "not RESP"
        }
    }
}

/// Bytes from the server that are not RESP2, or a reply beyond the reader's limits. Never holds the reply's content.
struct RESPProtocolError: Error, Sendable, CustomStringConvertible {
    /// The reply's type, from its first byte ("an array", or "not RESP").
    let kind: String
    /// What is wrong with it.
    let detail: String

    var description: String { "the reply (\(kind)) \(detail)" }
}
