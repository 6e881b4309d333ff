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
}
