@testable import DuvoHTTP
import Testing

@Suite("HTTP/1.1 response reading")
struct HTTPResponseReaderTests {
    func read(_ text: String, chunk: Int) -> (APIResponse, Bool)? {
        var reader = HTTPResponseReader()
        let bytes = Array(text.utf8)
        var index = 0
        while true {
            if case .complete(let response, let keepAlive) = reader.parse() { return (response, keepAlive) }
            guard index < bytes.count else { return reader.finishAtEndOfStream().map { ($0, false) } }
            reader.append(bytes[index..<min(bytes.count, index + chunk)])
            index += chunk
        }
    }

    @Test("Content-Length, chunked and close-delimited bodies read the same, however the bytes arrive",
          arguments: [1, 3, 1000])
    func framings(chunk: Int) throws {
        let sized = try #require(read("HTTP/1.1 200 OK\r\nContent-Length: 7\r\nX-A: 1\r\n\r\n{\"a\":1}", chunk: chunk))
        #expect(String(decoding: sized.0.body, as: UTF8.self) == "{\"a\":1}")
        #expect(sized.0.headers["x-a"] == "1")
        #expect(sized.1)
        let chunked = try #require(read(
            "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{\"a\r\n4;x=y\r\n\":1}\r\n0\r\n\r\n", chunk: chunk))
        #expect(chunked.0.status == 404)
        #expect(String(decoding: chunked.0.body, as: UTF8.self) == "{\"a\":1}")
        let closed = try #require(read("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{}", chunk: chunk))
        #expect(String(decoding: closed.0.body, as: UTF8.self) == "{}")
        #expect(!closed.1)
    }

    @Test("bytes past a response are not left for the next: its connection is not reused", arguments: [1, 1000])
    func bytesPastTheResponse(chunk: Int) throws {
        let sized = try #require(read("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}HTTP/1.1 200 OK\r\n", chunk: chunk))
        #expect(String(decoding: sized.0.body, as: UTF8.self) == "{}")
        if chunk > 2 { #expect(!sized.1, "extra bytes arrived with the body: not reused") }
        let chunked = try #require(read(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\nHTTP/1.1", chunk: chunk))
        #expect(String(decoding: chunked.0.body, as: UTF8.self) == "{}")
        if chunk > 2 { #expect(!chunked.1) }
    }

    @Test("a chunked body's trailers are read to their end before the response is complete", arguments: [1, 3, 1000])
    func trailers(chunk: Int) throws {
        let text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\nX-Checksum: abc\r\n"
            + "X-More: 1\r\n\r\n"
        let trailed = try #require(read(text, chunk: chunk))
        #expect(String(decoding: trailed.0.body, as: UTF8.self) == "{}")
        #expect(trailed.1, "every byte of the response was read: the connection can be reused")
        var reader = HTTPResponseReader()
        reader.append(Array(text.dropLast(2).utf8))
        guard case .needMore = reader.parse() else {
            Issue.record("complete before the trailer section's end: its rest would start the next response")
            return
        }
    }

    @Test("a chunk longer than its size is an error")
    func chunkLongerThanItsSize() {
        var reader = HTTPResponseReader()
        reader.append(Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}}\r\n0\r\n\r\n".utf8))
        guard case .invalid(let reason) = reader.parse() else {
            Issue.record("expected invalid")
            return
        }
        #expect(reason == "a chunk is longer than its size")
    }

    @Test("a malformed status line is an error, not a hang")
    func malformed() {
        var reader = HTTPResponseReader()
        reader.append(Array("SMTP ready\r\n\r\n".utf8))
        guard case .invalid = reader.parse() else {
            Issue.record("expected invalid")
            return
        }
    }

    func outcome(_ text: String) -> HTTPResponseReader.Outcome {
        var reader = HTTPResponseReader()
        reader.append(Array(text.utf8))
        return reader.parse()
    }

    @Test("a chunk size no memory could hold is an error as soon as it is read, not a crash or a wait")
    func hugeChunk() {
        for size in ["7fffffffffffffff", "ffffffffffffffff", "4000001"] {
            let read = outcome("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\(size)\r\nxy")
            guard case .invalid = read else {
                Issue.record("chunk of 0x\(size) bytes: \(read)")
                continue
            }
        }
    }

    @Test("an answer over 64 MiB is refused as it arrives, whatever frames it")
    func tooLarge() {
        guard case .invalid(HTTPResponseReader.tooLarge) = outcome("HTTP/1.1 200 OK\r\nContent-Length: 67108865\r\n\r\n{")
        else {
            Issue.record("a Content-Length over the limit was waited for")
            return
        }
        var reader = HTTPResponseReader()
        reader.append(Array("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".utf8))
        let block = [UInt8](repeating: 0x20, count: 1 << 20)
        var refused = false
        for _ in 0..<70 where !refused {
            reader.append(block)
            if case .invalid = reader.parse() { refused = true }
        }
        #expect(refused, "a body delimited by the end of the connection grew past the limit")
        var chunked = HTTPResponseReader()
        chunked.append(Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".utf8))
        refused = false
        for _ in 0..<70 where !refused {
            chunked.append(Array("100000\r\n".utf8) + block + Array("\r\n".utf8))
            if case .invalid = chunked.parse() { refused = true }
        }
        #expect(refused, "chunks of 1 MiB each grew past the limit")
    }

    @Test("chunk extensions cannot make a small answer cost much memory: the bytes on the wire are bounded too")
    func framingIsBounded() {
        var reader = HTTPResponseReader()
        reader.append(Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".utf8))
        // One body byte per chunk, each carrying a 1,000-byte extension: about 1 KiB on the wire per byte.
        let chunk = Array(("1;" + String(repeating: "e", count: 1_000) + "\r\nx\r\n").utf8)
        let block = Array(repeating: chunk, count: 1_024).flatMap { $0 }
        // 100 MiB on the wire for 100 KiB of body (parsed once: each parse starts with the wire bytes' bound).
        for _ in 0..<100 { reader.append(block) }
        guard case .invalid(HTTPResponseReader.tooLarge) = reader.parse() else {
            Issue.record("100 MiB of chunk framing was taken for 100 KiB of body")
            return
        }
        guard case .invalid = outcome("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;"
            + String(repeating: "e", count: 2_000) + "\r\nx\r\n0\r\n\r\n")
        else {
            Issue.record("a 2,000-byte chunk size line was read")
            return
        }
    }
}

extension HTTPResponseReaderTests {
    @Test("interim responses (103 Early Hints, 100 Continue) before the final one are skipped, however the bytes arrive",
          arguments: [1, 3, 1000])
    func interimResponses(chunk: Int) throws {
        let final = try #require(read("HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n"
            + "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n{\"a\":1}", chunk: chunk))
        #expect(final.0.status == 200)
        #expect(String(decoding: final.0.body, as: UTF8.self) == "{\"a\":1}")
        #expect(final.0.headers["link"] == nil, "the final response's headers only")
        #expect(final.1)
    }

    @Test("101 Switching Protocols, never asked for, is an error naming it")
    func switchingProtocols() {
        let read = outcome("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\nHTTP/1.1 200 OK\r\n"
            + "Content-Length: 2\r\n\r\n{}")
        guard case .invalid(let reason) = read, reason.contains("101 Switching Protocols") else {
            Issue.record("101 read as \(read)")
            return
        }
    }

    @Test("interim responses are bounded: 16 are skipped, a 17th is an error; each head has the 64 KiB limit")
    func interimResponsesAreBounded() {
        let interim = String(repeating: "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n", count: 16)
        let final = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"
        guard case .complete(let response, _) = outcome(interim + final), response.status == 200 else {
            Issue.record("16 interim responses were not skipped")
            return
        }
        let tooMany = outcome(interim + "HTTP/1.1 100 Continue\r\n\r\n" + final)
        guard case .invalid(let reason) = tooMany, reason.contains("more than 16 interim (1xx) responses") else {
            Issue.record("a 17th interim response was read as \(tooMany)")
            return
        }
        // Two heads of 40 KiB each are read; one of 70 KiB after an interim response is refused.
        let link = "Link: " + String(repeating: "a", count: 40_000) + "\r\n"
        guard case .complete = outcome("HTTP/1.1 103 Early Hints\r\n" + link + "\r\nHTTP/1.1 200 OK\r\n" + link
            + "Content-Length: 2\r\n\r\n{}")
        else {
            Issue.record("two heads within the limit each were refused together")
            return
        }
        guard case .invalid("headers too large") = outcome("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nLink: "
            + String(repeating: "a", count: 70_000))
        else {
            Issue.record("a final head over the limit was waited for")
            return
        }
    }
}
