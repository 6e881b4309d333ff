extension FrameDecoder {
    /// Reads header lines up to the blank line that ends them, then switches to reading (or skipping) the body.
    mutating func nextHeader() -> Step {
        if header.lineStart == 0 { skipWhitespace() }
        while true {
            let lineBegin = start + header.lineStart
            let searchFrom = start + max(header.lineStart, scanned)
            guard let lineFeed = buffer[searchFrom...].firstIndex(of: 0x0A) else {
                scanned = buffer.count - start
                if scanned > Self.maxHeaderBytes {
                    return malformed("header longer than \(Self.maxHeaderBytes) bytes", consumingTo: buffer.count)
                }
                guard inputFinished, buffer.count > start else { return .needMore }
                let bytes = buffer.count - start
                header = HeaderProgress()
                consume(upTo: buffer.count)
                return .emit(.truncated(bytes: bytes))
            }
            var lineEnd = lineFeed
            if lineEnd > lineBegin, buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            header.lineStart = lineFeed + 1 - start
            scanned = header.lineStart
            if lineEnd == lineBegin {
                return endOfHeader(bodyStart: lineFeed + 1)
            }
            if header.lineStart > Self.maxHeaderBytes {
                return malformed("header longer than \(Self.maxHeaderBytes) bytes", consumingTo: lineFeed + 1)
            }
            if let problem = readHeaderLine(buffer[lineBegin..<lineEnd]) {
                return malformed(problem, consumingTo: lineFeed + 1)
            }
        }
    }

    /// Records a `Name: value` line; returns what is wrong with it, if anything. Unknown names (`Content-Type`) are
    /// ignored.
    private mutating func readHeaderLine(_ line: ArraySlice<UInt8>) -> String? {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
            return "header line without ':' (\(Self.preview(line)))"
        }
        let name = Self.trimmed(line[..<colon])
        guard name.count == Self.contentLengthName.count,
            matchesIgnoringCase(Self.contentLengthName[...], at: name.startIndex)
        else { return nil }
        let value = Self.trimmed(line[(colon + 1)...])
        guard !value.isEmpty, value.count <= 12, value.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let length = Int(String(decoding: value, as: UTF8.self))
        else {
            return "invalid Content-Length value '\(Self.preview(value))'"
        }
        if let earlier = header.contentLength, earlier != length {
            return "conflicting Content-Length headers (\(earlier) and \(length))"
        }
        header.contentLength = length
        return nil
    }

    static let contentLengthName = Array("content-length".utf8)

    /// After the blank line: the body follows, of the announced length.
    private mutating func endOfHeader(bodyStart: Int) -> Step {
        guard let length = header.contentLength else {
            return malformed("missing Content-Length header", consumingTo: bodyStart)
        }
        header = HeaderProgress()
        consume(upTo: bodyStart)
        if length > maxFrameBytes {
            state = .skippingBody(remaining: length)
            return .emit(.oversized(bytes: length))
        }
        state = .body(length: length)
        return .again
    }

    /// Reports a bad header block and starts looking for the next `Content-Length` to get back in step.
    private mutating func malformed(_ reason: String, consumingTo index: Int) -> Step {
        header = HeaderProgress()
        consume(upTo: index)
        state = .resynchronising
        return .emit(.malformedHeader(reason))
    }

    /// Waits for a whole body, then hands it out.
    mutating func nextBody(length: Int) -> Step {
        let available = buffer.count - start
        if available >= length {
            let body = Array(buffer[start..<(start + length)])
            consume(upTo: start + length)
            state = .betweenFrames
            return .emit(.frame(body))
        }
        guard inputFinished else { return .needMore }
        consume(upTo: buffer.count)
        state = .betweenFrames
        return .emit(.truncated(bytes: available))
    }

    /// Drops an oversized body's bytes as they arrive.
    mutating func skipBody(remaining: Int) -> Step {
        let dropped = min(buffer.count - start, remaining)
        consume(upTo: start + dropped)
        if dropped == remaining {
            state = .betweenFrames
            return .again
        }
        state = inputFinished ? .betweenFrames : .skippingBody(remaining: remaining - dropped)
        return .needMore
    }

    /// Skips to the next `Content-Length` (any case), keeping only a possible partial match at the end.
    mutating func resynchronise() -> Step {
        let pattern = Self.contentLengthName
        var index = start + scanned
        while index + pattern.count <= buffer.count {
            if matchesIgnoringCase(pattern[...], at: index) {
                consume(upTo: index)
                state = .betweenFrames
                return .again
            }
            index += 1
        }
        let keep = inputFinished ? 0 : min(buffer.count - start, pattern.count - 1)
        consume(upTo: buffer.count - keep)
        if inputFinished { state = .betweenFrames }
        return .needMore
    }

    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, first == 0x20 || first == 0x09 { slice.removeFirst() }
        while let last = slice.last, last == 0x20 || last == 0x09 { slice.removeLast() }
        return slice
    }

    /// Up to 40 bytes of a bad header, printable ASCII only, for an error message.
    static func preview(_ bytes: ArraySlice<UInt8>) -> String {
        let shown = bytes.prefix(40).map { $0 >= 0x20 && $0 < 0x7F ? Character(UnicodeScalar($0)) : "?" }
        return String(shown) + (bytes.count > 40 ? "..." : "")
    }
}
