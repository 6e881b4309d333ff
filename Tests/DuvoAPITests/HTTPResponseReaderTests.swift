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
