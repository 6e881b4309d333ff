/// Reads one HTTP/1.1 response from bytes as they arrive: status line, headers, then a body framed by
/// `Content-Length`, chunked transfer coding, or the end of the connection. Interim (1xx) responses before it, such
/// as `100 Continue` or `103 Early Hints`, are skipped.
struct HTTPResponseReader {
    /// Why a response could not be read.
    struct InvalidResponse: Error {
        let reason: String
    }

    enum Outcome {
        case needMore
        case complete(APIResponse, keepAlive: Bool)
        case invalid(String)
    }

    /// Larger answers are refused, by either transport: no Duvo answer comes near this, and memory must stay bounded.
    static let maxBodyBytes = 64 << 20
    /// What is said of a chunk whose size line (with its extensions) is over 1 KiB.
    static let longSizeLine = "chunk size line too long"
    /// What is said of an answer over ``maxBodyBytes``.
    static let tooLarge = "the answer is larger than \(maxBodyBytes >> 20) MiB"
    /// The most interim (1xx) responses skipped before the final one: a server may send a few unasked, but not
    /// keep a caller reading heads forever.
    static let maxInterimResponses = 16

    private var bytes: [UInt8] = []
    private var head: (status: Int, headers: [String: String], bodyStart: Int, keepAlive: Bool)?
    /// A chunked body as far as it is decoded, and where in ``bytes`` the next chunk's size line starts (each byte
    /// is decoded once, however many reads the body takes).
    private var chunks: (decoded: [UInt8], next: Int)?
    /// How many interim (1xx) responses were skipped.
    private var interimResponses = 0

    mutating func append(_ chunk: some Collection<UInt8>) {
        bytes.append(contentsOf: chunk)
    }

    mutating func parse() -> Outcome {
        while head == nil {
            guard let end = headEnd() else { return bytes.count > 65_536 ? .invalid("headers too large") : .needMore }
            guard let parsed = parseHead(upTo: end) else { return .invalid("bad status line or header") }
            if parsed.status == 101 {
                // Nothing we send asks for another protocol: what follows would not be HTTP.
                return .invalid("the server switched protocols (101 Switching Protocols), which was not asked for")
            }
            if (100..<200).contains(parsed.status) {
                // An interim response has no body: the final response's head starts right after it.
                interimResponses += 1
                guard interimResponses <= Self.maxInterimResponses else {
                    return .invalid("more than \(Self.maxInterimResponses) interim (1xx) responses")
                }
                bytes.removeSubrange(0..<parsed.bodyStart)
            } else {
                head = parsed
            }
        }
        guard let head else { return .needMore }
        // The body's bytes on the wire, framing included, may exceed the limit by a quarter at most: chunk sizes and
        // extensions cannot make a small answer cost much memory.
        if bytes.count - head.bodyStart > Self.maxBodyBytes + Self.maxBodyBytes / 4 { return .invalid(Self.tooLarge) }
        if head.headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            var state = chunks ?? (decoded: [], next: head.bodyStart)
            let outcome = Self.dechunk(bytes, into: &state)
            chunks = state
            switch outcome {
            case .none: return .needMore
            case .some(.failure(let error)): return .invalid(error.reason)
            case .some(.success(let (decoded, end))):
                return .complete(APIResponse(status: head.status, headers: head.headers, body: decoded),
                                 keepAlive: head.keepAlive && end == bytes.count)
            }
        }
        let body = bytes[head.bodyStart...]
        if let lengthText = head.headers["content-length"] {
            guard let length = Int(lengthText), length >= 0 else {  // already trimmed by parseHead
                return .invalid("bad Content-Length")
            }
            guard length <= Self.maxBodyBytes else { return .invalid(Self.tooLarge) }
            guard body.count >= length else { return .needMore }
            // Bytes past the body belong to no request of ours: the connection is not used again.
            return .complete(APIResponse(status: head.status, headers: head.headers,
                                         body: Array(body.prefix(length))),
                             keepAlive: head.keepAlive && body.count == length)
        }
        if head.status == 204 || head.status == 304 {
            return .complete(APIResponse(status: head.status, headers: head.headers, body: []), keepAlive: head.keepAlive)
        }
        // Delimited by the end of the connection.
        return body.count > Self.maxBodyBytes ? .invalid(Self.tooLarge) : .needMore
    }

    /// The response when the server closed the connection to end the body.
    func finishAtEndOfStream() -> APIResponse? {
        guard let head, head.headers["content-length"] == nil,
              head.headers["transfer-encoding"] == nil else { return nil }
        return APIResponse(status: head.status, headers: head.headers, body: Array(bytes[head.bodyStart...]))
    }

    private func headEnd() -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }

    /// Splits the head on CRLF as bytes, not with Foundation's `components(separatedBy:)` and
    /// `trimmingCharacters(in:)`, which go through NSString.
    private func parseHead(upTo end: Int) -> (status: Int, headers: [String: String], bodyStart: Int, keepAlive: Bool)? {
        let lines = bytes[0..<end].split(separator: 10, omittingEmptySubsequences: false)
        guard let first = lines.first else { return nil }
        let statusLine = String(decoding: first.last == 13 ? first.dropLast() : first, as: UTF8.self)
            .split(separator: " ", maxSplits: 2)
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/1."), let status = Int(statusLine[1]) else {
            return nil
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let (name, value) = HTTPHeaderLine.split(line) else { return nil }
            headers[name] = headers[name].map { $0 + ", " + value } ?? value
        }
        let connection = headers["connection"]?.lowercased() ?? ""
        let keepAlive = statusLine[0] == "HTTP/1.1" ? !connection.contains("close") : connection.contains("keep-alive")
        return (status, headers, end + 4, keepAlive)
    }

    /// `text` without leading and trailing spaces and tabs (the optional whitespace around a header value).
    private static func trimmed(_ text: Substring) -> String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !blank($0) }), let last = text.lastIndex(where: { !blank($0) })
        else { return "" }
        return String(text[first...last])
    }

    /// Decodes the complete chunks of `bytes` from `state.next` on into `state.decoded`: the whole body, and where
    /// the response ends (after the trailer section), once the last chunk and its trailers are in; nil while more is
    /// needed. Every size is checked against ``maxBodyBytes`` before it is used.
    private static func dechunk(_ bytes: [UInt8], into state: inout (decoded: [UInt8], next: Int))
        -> Result<([UInt8], end: Int), InvalidResponse>?
    {
        while true {
            guard let lineEnd = bytes[state.next...].firstIndex(of: 13), lineEnd + 1 < bytes.endIndex else {
                return bytes.count - state.next > 1024 ? .failure(InvalidResponse(reason: longSizeLine)) : nil
            }
            if lineEnd - state.next > 1024 { return .failure(InvalidResponse(reason: longSizeLine)) }
            let sizeText = trimmed(String(decoding: bytes[state.next..<lineEnd], as: UTF8.self)
                .split(separator: ";", omittingEmptySubsequences: false).first ?? "")
            guard sizeText.count <= 15, let size = Int(sizeText, radix: 16), size >= 0 else {
                return .failure(InvalidResponse(reason: "bad chunk size"))
            }
            guard size <= maxBodyBytes - state.decoded.count else { return .failure(InvalidResponse(reason: tooLarge)) }
            let dataStart = lineEnd + 2
            if size == 0 { return trailersEnd(bytes, from: dataStart).map { $0.map { (state.decoded, end: $0) } } }
            guard bytes.count >= dataStart + size + 2 else { return nil }
            guard bytes[dataStart + size] == 13, bytes[dataStart + size + 1] == 10 else {
                return .failure(InvalidResponse(reason: "a chunk is longer than its size"))
            }
            state.decoded.append(contentsOf: bytes[dataStart..<(dataStart + size)])
            state.next = dataStart + size + 2
        }
    }

    /// Where the trailer section that starts at `start` (header lines, then an empty line) ends; nil while it is
    /// incomplete. Trailers are read past, not kept: nothing we ask for sends any.
    private static func trailersEnd(_ bytes: [UInt8], from start: Int) -> Result<Int, InvalidResponse>? {
        var lineStart = start
        while true {
            guard let lineEnd = bytes[lineStart...].firstIndex(of: 10) else {
                return bytes.count - start > 65_536 ? .failure(InvalidResponse(reason: "trailers too large")) : nil
            }
            if lineEnd == lineStart || (lineEnd == lineStart + 1 && bytes[lineStart] == 13) { return .success(lineEnd + 1) }
            guard lineEnd - start <= 65_536 else { return .failure(InvalidResponse(reason: "trailers too large")) }
            lineStart = lineEnd + 1
        }
    }
}
