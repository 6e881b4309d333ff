import JSONRPC
import Testing
import TestSupport

@Suite("Frame decoding")
struct FrameDecoderTests {
    static let payloads: [String] = [
        #"{"jsonrpc":"2.0","id":1,"method":"a"}"#,
        #"{"jsonrpc":"2.0","method":"b","params":{"text":"h\u00e9llo \u2603 😀"}}"#,
        #"[{"jsonrpc":"2.0","id":"x","method":"c"},{"jsonrpc":"2.0","id":2,"method":"d"}]"#,
        #"{"jsonrpc":"2.0","id":3,"result":null}"#,
    ]

    /// Every event a decoder produces for `input` fed in the given chunk sizes (cycled), then finished.
    static func decode(_ input: [UInt8], chunkSizes: [Int], framing: Framing? = nil, maxFrameBytes: Int = 1 << 20)
        -> (events: [FrameEvent], framing: Framing?)
    {
        var decoder = FrameDecoder(framing: framing, maxFrameBytes: maxFrameBytes)
        var events: [FrameEvent] = []
        var offset = 0
        var turn = 0
        while offset < input.count {
            let size = max(1, chunkSizes[turn % chunkSizes.count])
            let end = min(input.count, offset + size)
            decoder.append(input[offset..<end])
            while let event = decoder.next() { events.append(event) }
            offset = end
            turn += 1
        }
        decoder.finish()
        while let event = decoder.next() { events.append(event) }
        return (events, decoder.framing)
    }

    static func frames(_ payloads: [String]) -> [FrameEvent] {
        payloads.map { .frame(Array($0.utf8)) }
    }

    static func stream(_ payloads: [String], _ framing: Framing) -> [UInt8] {
        payloads.flatMap { framing.encode(Array($0.utf8)) }
    }

    @Test("both framings decode the same frames fed one byte at a time", arguments: Framing.allCases)
    func oneByteAtATime(framing: Framing) {
        let result = Self.decode(Self.stream(Self.payloads, framing), chunkSizes: [1])
        #expect(result.events == Self.frames(Self.payloads))
        #expect(result.framing == framing)
    }

    @Test("both framings decode the same frames under random chunkings", arguments: Framing.allCases)
    func randomChunkings(framing: Framing) {
        var random = SeededGenerator(seed: 42)
        let input = Self.stream(Self.payloads + Self.payloads, framing)
        for _ in 0..<300 {
            let sizes = (0..<8).map { _ in Int.random(in: 1...40, using: &random) }
            let result = Self.decode(input, chunkSizes: sizes)
            #expect(result.events == Self.frames(Self.payloads + Self.payloads), "chunk sizes \(sizes)")
        }
    }

    @Test("Content-Length is detected in any case, with Content-Type first, and LF-only header endings")
    func headerVariants() {
        let body = #"{"jsonrpc":"2.0","id":1,"method":"a"}"#
        let inputs = [
            "content-length: \(body.utf8.count)\r\n\r\n\(body)",
            "CONTENT-LENGTH:\(body.utf8.count)\r\n\r\n\(body)",
            "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n"
                + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)",
            "Content-Length: \(body.utf8.count)\n\n\(body)",
            "\r\n  Content-Length: \(body.utf8.count)\r\nX-Other: 1\r\n\r\n\(body)",
        ]
        for input in inputs {
            let result = Self.decode(Array(input.utf8), chunkSizes: [1])
            #expect(result.events == [.frame(Array(body.utf8))], "\(input.debugDescription)")
            #expect(result.framing == .contentLength)
        }
    }

    @Test("Content-Length counts UTF-8 bytes, not characters")
    func contentLengthCountsBytes() {
        let body = #"{"text":"€😀"}"#
        let input = Array("Content-Length: \(body.utf8.count)\r\n\r\n\(body)Content-Length: 2\r\n\r\n{}".utf8)
        #expect(Self.decode(input, chunkSizes: [3]).events == Self.frames([body, "{}"]))
    }

    @Test("newline-delimited input accepts CRLF, skips blank lines, and keeps a last line without a newline")
    func newlineVariants() {
        let input = Array("\n{\"a\":1}\r\n\r\n   \n{\"b\":2}\n{\"c\":3}".utf8)
        let result = Self.decode(input, chunkSizes: [2])
        #expect(result.events == Self.frames([#"{"a":1}"#, #"{"b":2}"#, #"{"c":3}"#]))
        #expect(result.framing == .newlineDelimited)
    }

    @Test("input that merely starts like a header is newline-delimited")
    func notQuiteAHeader() {
        let result = Self.decode(Array("Cont\n".utf8), chunkSizes: [1])
        #expect(result.events == Self.frames(["Cont"]))
        #expect(result.framing == .newlineDelimited)
    }

    @Test("a forced framing is not second-guessed")
    func forcedFraming() {
        let input = Self.stream([#"{"a":1}"#], .newlineDelimited)
        let result = Self.decode(input, chunkSizes: [1], framing: .contentLength)
        #expect(result.framing == .contentLength)
        #expect(!result.events.contains(.frame(Array(#"{"a":1}"#.utf8))))
    }

    @Test("an oversized line is skipped, reported with its size, and the next line is read", arguments: [1, 7, 4096])
    func oversizedLine(chunk: Int) {
        let big = "{\"x\":\"" + String(repeating: "a", count: 5000) + "\"}"
        let input = Array("\(big)\n{\"ok\":1}\n".utf8)
        let result = Self.decode(input, chunkSizes: [chunk], maxFrameBytes: 1000)
        #expect(result.events == [.oversized(bytes: big.utf8.count), .frame(Array(#"{"ok":1}"#.utf8))])
    }

    @Test(
        "an oversized Content-Length body is skipped by its length, and the next frame is read",
        arguments: [1, 5, 4096])
    func oversizedBody(chunk: Int) {
        let big = "{\"x\":\"" + String(repeating: "\n", count: 5000) + "\"}"
        let input = Array("Content-Length: \(big.utf8.count)\r\n\r\n\(big)Content-Length: 2\r\n\r\n{}".utf8)
        let result = Self.decode(input, chunkSizes: [chunk], maxFrameBytes: 1000)
        #expect(result.events == [.oversized(bytes: big.utf8.count), .frame(Array("{}".utf8))])
    }

    @Test(
        "a malformed header is reported and decoding resumes at the next Content-Length",
        arguments: [
            "Content-Length: abc\r\n\r\n{}",
            "Content-Length: -5\r\n\r\n{}",
            "Content-Type: text/plain\r\n\r\n{\"no\":\"length\"}",
            "Content-Length: 2\r\nbroken header line\r\n\r\n{}",
            "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
            "Content-Length: 99999999999999999999\r\n\r\n{}",
        ])
    func malformedHeaderResynchronises(bad: String) {
        let good = #"{"jsonrpc":"2.0","id":1,"method":"a"}"#
        let input = Array((bad + "Content-Length: \(good.utf8.count)\r\n\r\n\(good)").utf8)
        for chunk in [1, 3, 1000] {
            let events = Self.decode(input, chunkSizes: [chunk]).events
            #expect(events.count == 2, "\(bad.debugDescription) in chunks of \(chunk): \(events)")
            if case .malformedHeader = events.first {
            } else {
                Issue.record("expected a malformed header first: \(events)")
            }
            #expect(events.last == .frame(Array(good.utf8)))
        }
    }

    @Test("a header block that never ends is cut off at 8 KiB instead of being buffered")
    func endlessHeader() {
        let input = Array(("Content-Length: 2\r\nX-Junk: " + String(repeating: "j", count: 20_000)).utf8)
        let events = Self.decode(input, chunkSizes: [512]).events
        #expect(events.count == 1)
        if case .malformedHeader = events.first {} else { Issue.record("expected a malformed header: \(events)") }
    }

    @Test("input that ends inside a frame is reported as truncated")
    func truncated() {
        let body = Self.decode(Array("Content-Length: 10\r\n\r\n{\"a\"".utf8), chunkSizes: [1]).events
        #expect(body == [.truncated(bytes: 4)])
        let header = Self.decode(Array("Content-Length: 10\r\n".utf8), chunkSizes: [1]).events
        #expect(header == [.truncated(bytes: 20)])
    }

    @Test("random bytes never crash the decoder, and every frame it yields fits the limit")
    func randomGarbage() {
        var random = SeededGenerator(seed: 7)
        let alphabet = Array("Content-Length: 0123456789\r\n{}[]\"abc".utf8)
        for round in 0..<400 {
            let count = Int.random(in: 0...600, using: &random)
            let input = (0..<count).map { _ in
                Bool.random(using: &random)
                    ? alphabet.randomElement(using: &random) ?? 0 : UInt8.random(in: 0...255, using: &random)
            }
            let framing: Framing? = [nil, .newlineDelimited, .contentLength][round % 3]
            let events = Self.decode(
                input, chunkSizes: [Int.random(in: 1...64, using: &random)], framing: framing, maxFrameBytes: 100
            ).events
            for case .frame(let bytes) in events {
                #expect(bytes.count <= 100)
            }
        }
    }
}
