/// Splits a byte stream into JSON-RPC frames: pure, no I/O, fed with whatever chunks the transport delivers.
///
/// Feed bytes with ``append(_:)``, then call ``next()`` until it returns `nil`; call ``finish()`` at end of input
/// to get a last unterminated line or a ``FrameEvent/truncated(bytes:)``. When no framing is forced, the first
/// non-white-space bytes decide: `Content-Length:` or `Content-Type:` (any case) selects ``Framing/contentLength``,
/// anything else ``Framing/newlineDelimited``; the choice then holds for the whole stream.
///
/// Memory stays bounded: a frame over ``maxFrameBytes`` is skipped as it streams past (a line is discarded up to its
/// newline; a `Content-Length` body is skipped by its announced length), and a header block over 8 KiB is rejected.
public struct FrameDecoder: Sendable {
    /// The largest frame kept by default: 16 MiB.
    public static let defaultMaxFrameBytes = 16 << 20
    /// The largest `Content-Length` header block accepted; real clients send under 100 bytes.
    static let maxHeaderBytes = 8192

    /// The framing in use: the one forced at creation, the one detected, or `nil` while still undecided.
    public private(set) var framing: Framing?
    /// Frames larger than this many bytes are reported as ``FrameEvent/oversized(bytes:)`` and skipped.
    public let maxFrameBytes: Int

    var buffer: [UInt8] = []
    /// Index in `buffer` of the first byte not yet consumed.
    var start = 0
    /// How many bytes after `start` are known to hold no line feed, so a frame arriving one byte at a time is
    /// scanned once, not once per byte.
    var scanned = 0
    var state = State.betweenFrames
    var header = HeaderProgress()
    var inputFinished = false

    enum State: Sendable {
        case betweenFrames
        case body(length: Int)
        case skippingBody(remaining: Int)
        case discardingLine(bytes: Int)
        case resynchronising
    }

    /// The header lines of a `Content-Length` frame read so far.
    struct HeaderProgress: Sendable {
        /// Offset after `start` of the header line being read.
        var lineStart = 0
        var contentLength: Int?
    }

    /// What one decoding step found.
    enum Step {
        case emit(FrameEvent)
        case again
        case needMore
    }

    /// A decoder for `framing`, or one that detects the framing when `framing` is `nil`.
    public init(framing: Framing? = nil, maxFrameBytes: Int = FrameDecoder.defaultMaxFrameBytes) {
        self.framing = framing
        self.maxFrameBytes = max(1, maxFrameBytes)
    }

    /// Adds bytes read from the transport.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// Whether bytes other than white space wait after the frames returned so far (another frame, or part of one).
    public var hasBufferedInput: Bool {
        buffer[start...].contains { !Self.isWhitespace($0) }
    }

    /// Marks the end of input: a last line without a newline becomes a frame, and a frame cut short is reported.
    public mutating func finish() {
        inputFinished = true
    }

    /// The next event, or `nil` when more input is needed (or, after ``finish()``, when everything was consumed).
    public mutating func next() -> FrameEvent? {
        while true {
            let step: Step
            switch state {
            case .betweenFrames:
                switch framing {
                case nil: step = detectFraming()
                case .newlineDelimited?: step = nextLine()
                case .contentLength?: step = nextHeader()
                }
            case .body(let length): step = nextBody(length: length)
            case .skippingBody(let remaining): step = skipBody(remaining: remaining)
            case .discardingLine(let bytes): step = discardLine(bytes: bytes)
            case .resynchronising: step = resynchronise()
            }
            switch step {
            case .emit(let event): return event
            case .again: continue
            case .needMore: return nil
            }
        }
    }

    /// Chooses the framing from the first non-white-space bytes, waiting while they could still spell a header.
    mutating func detectFraming() -> Step {
        skipWhitespace()
        let available = buffer.count - start
        guard available > 0 else { return .needMore }
        var undecided = false
        for candidate in Self.headerPrefixes {
            let count = min(available, candidate.count)
            guard matchesIgnoringCase(candidate[..<count], at: start) else { continue }
            if count == candidate.count {
                framing = .contentLength
                return .again
            }
            undecided = true
        }
        if undecided && !inputFinished { return .needMore }
        framing = .newlineDelimited
        return .again
    }

    static let headerPrefixes: [[UInt8]] = [Array("content-length:".utf8), Array("content-type:".utf8)]

    /// Whether the bytes at `index` equal `lowercased` (ASCII, case-insensitive).
    func matchesIgnoringCase(_ lowercased: ArraySlice<UInt8>, at index: Int) -> Bool {
        guard buffer.count - index >= lowercased.count else { return false }
        var position = index
        for expected in lowercased {
            let byte = buffer[position]
            let folded = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
            guard folded == expected else { return false }
            position += 1
        }
        return true
    }

    mutating func skipWhitespace() {
        let before = start
        while start < buffer.count, Self.isWhitespace(buffer[start]) { start += 1 }
        if start != before { scanned = 0 }
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// Drops consumed bytes when that frees a worthwhile amount, so the buffer never grows with the stream.
    mutating func compact() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 20)
            start = 0
        } else if start >= 4096, start * 2 >= buffer.count {
            buffer.removeSubrange(0..<start)
            start = 0
        }
    }
}
