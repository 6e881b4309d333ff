import HTTPServer
import Testing

@Suite("HTTP request parser")
struct HTTPRequestParserTests {
    /// Feeds `text` one byte at a time and collects every request.
    private func parseByteAtATime(_ text: String, limits: HTTPLimits = HTTPLimits()) throws -> [HTTPRequest] {
        var parser = HTTPRequestParser(limits: limits)
        var requests: [HTTPRequest] = []
        for byte in text.utf8 {
            parser.append([byte])
            while let request = try parser.nextRequest() { requests.append(request) }
        }
        return requests
    }

    @Test("a request split into single bytes parses like a whole one")
    func byteAtATime() throws {
        let text =
            "POST /v1/runs/abc/messages?limit=5&q=a%20b+c HTTP/1.1\r\nHost: x\r\nContent-Length: 13\r\n"
            + "X-Thing:   padded  \r\n\r\n{\"message\":1}"
        let split = try parseByteAtATime(text)
        var whole = HTTPRequestParser()
        whole.append(Array(text.utf8))
        let single = try #require(try whole.nextRequest())
        #expect(split == [single])
        #expect(single.method == "POST")
        #expect(single.path == "/v1/runs/abc/messages")
        #expect(single.query("limit") == "5")
        #expect(single.query("q") == "a b c")
        #expect(single.headers["x-thing"] == "padded")
        #expect(String(decoding: single.body, as: UTF8.self) == "{\"message\":1}")
    }

    @Test("pipelined requests come out in order, bodies included")
    func pipelined() throws {
        let text =
            "GET /a HTTP/1.1\r\n\r\nPOST /b HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi"
            + "GET /c HTTP/1.1\nConnection: close\n\n"
        let requests = try parseByteAtATime(text)
        #expect(requests.map(\.path) == ["/a", "/b", "/c"])
        #expect(requests[1].body == Array("hi".utf8))
        #expect(requests[2].wantsKeepAlive == false)
        #expect(requests[0].wantsKeepAlive)
    }

    @Test("a chunked body is reassembled")
    func chunked() throws {
        let text =
            "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\nTrailer: y\r\n\r\n"
        let requests = try parseByteAtATime(text)
        #expect(requests.count == 1)
        #expect(requests.first?.body == Array("Wikipedia".utf8))
    }

    @Test("oversized headers are a 431 and oversized bodies a 413")
    func limits() {
        let limits = HTTPLimits(maxHeaderBytes: 64, maxBodyBytes: 4)
        #expect(throws: HTTPParseError.headersTooLarge(limit: 64)) {
            try parseByteAtATime("GET / HTTP/1.1\r\nX: \(String(repeating: "a", count: 100))\r\n\r\n", limits: limits)
        }
        #expect(throws: HTTPParseError.bodyTooLarge(limit: 4)) {
            try parseByteAtATime("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n12345", limits: limits)
        }
        #expect(HTTPParseError.headersTooLarge(limit: 1).status == 431)
        #expect(HTTPParseError.bodyTooLarge(limit: 1).status == 413)
    }

    @Test("malformed request lines and framing are rejected with 400")
    func malformed() {
        for text in [
            "GET /\r\n\r\n", "GET / HTTP/1.1\r\nBad Header\r\n\r\n", "GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n",
            "GET / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
        ] {
            #expect(throws: HTTPParseError.self) { try parseByteAtATime(text) }
        }
        #expect(throws: HTTPParseError.unsupportedVersion("HTTP/2.0")) {
            try parseByteAtATime("GET / HTTP/2.0\r\n\r\n")
        }
    }

    @Test("Expect: 100-continue is reported once while the body is missing")
    func expectContinue() throws {
        var parser = HTTPRequestParser()
        parser.append(Array("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n".utf8))
        #expect(try parser.nextRequest() == nil)
        let first = parser.takeContinueExpectation()
        let second = parser.takeContinueExpectation()
        #expect(first)
        #expect(second == false)
        parser.append(Array("abc".utf8))
        #expect(try parser.nextRequest()?.body == Array("abc".utf8))
    }
}
