extension FrameDecoder {
    /// Reads one line; blank lines are skipped and a CR before the LF is dropped.
    mutating func nextLine() -> Step {
        let lineStart = start
        guard let lineFeed = buffer[(start + scanned)...].firstIndex(of: 0x0A) else {
            scanned = buffer.count - start
            if scanned > maxFrameBytes {
                let bytes = scanned
                consume(upTo: buffer.count)
                state = .discardingLine(bytes: bytes)
                return .again
            }
            guard inputFinished, scanned > 0 else { return .needMore }
            consume(upTo: buffer.count)
            return lineEvent(from: lineStart, to: buffer.count)
        }
        consume(upTo: lineFeed + 1)
        return lineEvent(from: lineStart, to: lineFeed)
    }

    /// The event for the line in `buffer[from..<to]` (already consumed).
    private func lineEvent(from lineStart: Int, to lineEnd: Int) -> Step {
        var end = lineEnd
        if end > lineStart, buffer[end - 1] == 0x0D { end -= 1 }
        if end - lineStart > maxFrameBytes { return .emit(.oversized(bytes: end - lineStart)) }
        guard buffer[lineStart..<end].contains(where: { !Self.isWhitespace($0) }) else { return .again }
        return .emit(.frame(Array(buffer[lineStart..<end])))
    }

    /// Throws away the rest of an oversized line without keeping it.
    mutating func discardLine(bytes: Int) -> Step {
        if let lineFeed = buffer[start...].firstIndex(of: 0x0A) {
            let total = bytes + (lineFeed - start)
            consume(upTo: lineFeed + 1)
            state = .betweenFrames
            return .emit(.oversized(bytes: total))
        }
        let total = bytes + (buffer.count - start)
        consume(upTo: buffer.count)
        if inputFinished {
            state = .betweenFrames
            return .emit(.oversized(bytes: total))
        }
        state = .discardingLine(bytes: total)
        return .needMore
    }

    /// Marks the bytes before `index` consumed.
    mutating func consume(upTo index: Int) {
        start = index
        scanned = 0
    }
}
