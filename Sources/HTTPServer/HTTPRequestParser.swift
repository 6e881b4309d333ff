/// Turns the bytes of a connection into requests; a pure function of the bytes fed to it.
///
/// Feed whatever `recv` returned with ``append(_:)``, then call ``nextRequest()`` until it returns nil (needs more
/// bytes). Pipelined requests come out one after the other, and a request split anywhere, even one byte at a time,
/// parses the same as when it arrives whole. Bodies are framed by `Content-Length` or `Transfer-Encoding: chunked`.
public struct HTTPRequestParser: Sendable {
    /// The bounds that turn oversized requests into errors.
    public let limits: HTTPLimits
    private var buffer: [UInt8] = []
    private var position = 0
    private var scanFrom = 0
    private var state: State = .head
    private var continueOwed = false
    /// Empty lines skipped before the request line of the request not yet complete (they count as its head).
    private var blankBytesSkipped = 0

    private enum State: Sendable {
        case head
        case body(Head, length: Int)
        /// `rawStart`: where in the buffer the chunked body began (the buffer is not compacted within a request).
        case chunked(Head, body: [UInt8], rawStart: Int)
    }

    struct Head: Sendable {
        var method: String
        var target: String
        var headers: HTTPHeaders
        var minorVersion: Int
    }

    /// A parser for one connection.
    public init(limits: HTTPLimits = HTTPLimits()) {
        self.limits = limits
    }

    /// Adds bytes received from the client.
    public mutating func append<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        buffer.append(contentsOf: bytes)
    }

    /// Whether a request has begun and is not yet complete: bytes buffered that do not yet form one (empty lines
    /// before a request line included), or a head whose body (or next chunk) has yet to come.
    public var hasPartialRequest: Bool {
        if case .head = state { return position < buffer.count || blankBytesSkipped > 0 }
        return true
    }

    /// True once per request that sent `Expect: 100-continue` and whose body has not fully arrived, so the
    /// connection can send `100 Continue` (curl waits a second for it before sending a large body).
    public mutating func takeContinueExpectation() -> Bool {
        defer { continueOwed = false }
        return continueOwed
    }

    /// The next complete request, or nil when more bytes are needed.
    ///
    /// - Throws: ``HTTPParseError`` when the bytes cannot be a valid request; the connection should answer with
    ///   the error's status and close, since the framing of anything after it is unknown.
    public mutating func nextRequest() throws(HTTPParseError) -> HTTPRequest? {
        while true {
            switch state {
            case .head:
                guard let head = try parseHead() else { return nil }
                try startBody(of: head)
            case .body(let head, let length):
                guard buffer.count - position >= length else { return nil }
                let body = Array(buffer[position..<(position + length)])
                position += length
                return finish(head, body: body)
            case .chunked(let head, var body, let rawStart):
                guard try readChunks(into: &body, rawStart: rawStart) else {
                    state = .chunked(head, body: body, rawStart: rawStart)
                    return nil
                }
                return finish(head, body: body)
            }
        }
    }

    private mutating func finish(_ head: Head, body: [UInt8]) -> HTTPRequest {
        state = .head
        continueOwed = false
        blankBytesSkipped = 0
        compact()
        return HTTPRequest(
            method: head.method, target: head.target, headers: head.headers, body: body,
            minorVersion: head.minorVersion)
    }

    private mutating func compact() {
        if position >= buffer.count {
            buffer.removeAll(keepingCapacity: true)
            position = 0
        } else if position > 4096 && position * 2 > buffer.count {
            buffer.removeFirst(position)
            position = 0
        }
        scanFrom = position
    }

    /// Finds the blank line that ends the head and parses everything before it.
    private mutating func parseHead() throws(HTTPParseError) -> Head? {
        // RFC 9112 §2.2: ignore empty lines before the request line; they count towards the head's limit, and what
        // was skipped is dropped, so a stream of them neither grows the buffer nor goes on without end.
        let blankStart = position
        while position < buffer.count, buffer[position] == 0x0D || buffer[position] == 0x0A { position += 1 }
        blankBytesSkipped += position - blankStart
        if blankBytesSkipped > limits.maxHeaderBytes { throw .headersTooLarge(limit: limits.maxHeaderBytes) }
        if position == buffer.count {
            compact()
            return nil
        }
        if scanFrom < position { scanFrom = position }
        var end: Int?
        var index = scanFrom
        while index < buffer.count {
            if buffer[index] == 0x0A, index > position {
                if buffer[index - 1] == 0x0A {
                    end = index + 1
                    break
                }
                if buffer[index - 1] == 0x0D, index - 2 >= position, buffer[index - 2] == 0x0A {
                    end = index + 1
                    break
                }
            }
            index += 1
        }
        guard let end else {
            scanFrom = max(position, buffer.count - 2)
            if buffer.count - position > limits.maxHeaderBytes {
                throw .headersTooLarge(limit: limits.maxHeaderBytes)
            }
            return nil
        }
        if end - position + blankBytesSkipped > limits.maxHeaderBytes {
            throw .headersTooLarge(limit: limits.maxHeaderBytes)
        }
        let head = try HTTPHeadParser.parse(buffer[position..<end])
        position = end
        scanFrom = end
        return head
    }

    private mutating func startBody(of head: Head) throws(HTTPParseError) {
        let codings = head.headers.values(for: "Transfer-Encoding")
            .flatMap { $0.split(separator: ",") }.map { $0.trimmingSpaces().lowercased() }
        let lengths = head.headers.values(for: "Content-Length")
            .flatMap { $0.split(separator: ",") }.map { String($0.trimmingSpaces()) }
        if !codings.isEmpty {
            guard lengths.isEmpty else { throw .malformed("both Transfer-Encoding and Content-Length are present") }
            guard codings == ["chunked"] else { throw .unsupportedTransferEncoding(codings.joined(separator: ", ")) }
            noteExpectation(head)
            state = .chunked(head, body: [], rawStart: position)
            return
        }
        guard let first = lengths.first else {
            state = .body(head, length: 0)
            return
        }
        guard lengths.allSatisfy({ $0 == first }), !first.isEmpty, first.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
            let length = Int(first)
        else {
            throw .malformed("Content-Length must be one non-negative integer, got '\(lengths.joined(separator: ","))'")
        }
        guard length <= limits.maxBodyBytes else { throw .bodyTooLarge(limit: limits.maxBodyBytes) }
        if length > 0 && buffer.count - position < length { noteExpectation(head) }
        state = .body(head, length: length)
    }

    private mutating func noteExpectation(_ head: Head) {
        if let expect = head.headers["Expect"], expect.lowercased() == "100-continue", head.minorVersion >= 1 {
            continueOwed = true
        }
    }

    /// Reads as many whole chunks as are buffered; true when the last chunk and trailers have been read.
    ///
    /// The body's bytes on the wire (sizes, extensions, line ends, trailers) may take at most twice the body limit
    /// plus the header limit from `rawStart`, each size line 1 KiB and the trailers the header limit: framing cannot
    /// make a small body cost much memory.
    private mutating func readChunks(into body: inout [UInt8], rawStart: Int) throws(HTTPParseError) -> Bool {
        if buffer.count - rawStart > 2 * limits.maxBodyBytes + limits.maxHeaderBytes {
            throw .bodyTooLarge(limit: limits.maxBodyBytes)
        }
        while true {
            guard let lineEnd = lineEnd(from: position) else {
                if buffer.count - position > 1024 { throw .malformed("chunk size line too long") }
                return false
            }
            if lineEnd.contentEnd - position > 1024 { throw .malformed("chunk size line too long") }
            let line = buffer[position..<lineEnd.contentEnd]
            let sizeText = line.prefix { $0 != UInt8(ascii: ";") }
            guard let size = Self.hexValue(sizeText) else { throw .malformed("invalid chunk size") }
            if size == 0 {
                // Trailer fields are read and discarded up to the blank line, within the header limit.
                var cursor = lineEnd.next
                while true {
                    guard let trailer = self.lineEnd(from: cursor) else {
                        if buffer.count - lineEnd.next > limits.maxHeaderBytes {
                            throw .headersTooLarge(limit: limits.maxHeaderBytes)
                        }
                        return false
                    }
                    if trailer.contentEnd == cursor {
                        position = trailer.next
                        return true
                    }
                    cursor = trailer.next
                    if cursor - lineEnd.next > limits.maxHeaderBytes {
                        throw .headersTooLarge(limit: limits.maxHeaderBytes)
                    }
                }
            }
            guard body.count + size <= limits.maxBodyBytes else { throw .bodyTooLarge(limit: limits.maxBodyBytes) }
            let dataStart = lineEnd.next
            guard buffer.count >= dataStart + size + 1 else { return false }
            guard let dataEnd = self.lineEnd(from: dataStart + size), dataEnd.contentEnd == dataStart + size else {
                if buffer.count >= dataStart + size + 2 { throw .malformed("chunk data not followed by CRLF") }
                return false
            }
            body.append(contentsOf: buffer[dataStart..<(dataStart + size)])
            position = dataEnd.next
        }
    }

    /// The end of the line starting at `start`: where its content ends (before CR LF or LF) and the next line starts.
    private func lineEnd(from start: Int) -> (contentEnd: Int, next: Int)? {
        var index = start
        while index < buffer.count {
            if buffer[index] == 0x0A {
                let contentEnd = index > start && buffer[index - 1] == 0x0D ? index - 1 : index
                return (contentEnd, index + 1)
            }
            index += 1
        }
        return nil
    }

    private static func hexValue(_ digits: ArraySlice<UInt8>) -> Int? {
        let trimmed = digits.filter { $0 != 0x20 && $0 != 0x09 }
        guard !trimmed.isEmpty, trimmed.count <= 8 else { return nil }
        var value = 0
        for byte in trimmed {
            let digit: Int
            switch byte {
            case 48...57: digit = Int(byte) - 48
            case 65...70: digit = Int(byte) - 55
            case 97...102: digit = Int(byte) - 87
            default: return nil
            }
            value = value * 16 + digit
        }
        return value
    }
}
