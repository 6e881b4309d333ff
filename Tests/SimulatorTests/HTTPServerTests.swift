import Foundation
import HTTPServer
import JSONCore
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("HTTP server")
struct HTTPServerTests {
    private func withServer(_ handler: @escaping HTTPServer.Handler, _ body: (UInt16) async throws -> Void) async throws
    {
        let server = HTTPServer(port: 0, handler: handler)
        let port = try server.start()
        defer { server.stop() }
        try await body(port)
    }

    @Test("port 0 binds a free port that answers over real HTTP")
    func answers() async throws {
        try await withServer({ request in
            HTTPResponse(
                status: 200, headers: ["Content-Type": "application/json"],
                body: Array("{\"path\":\"\(request.path)\"}".utf8))
        }) { port in
            #expect(port > 0)
            let response = try await HTTPTestClient().send("GET", "http://127.0.0.1:\(port)/hello%20world")
            #expect(response.status == 200)
            #expect(response.json["path"] == "/hello world")
        }
    }

    @Test("keep-alive connections serve many requests, pipelined ones in order")
    func keepAliveAndPipelining() async throws {
        try await withServer({ request in HTTPResponse(status: 200, body: Array(request.path.utf8)) }) { port in
            let socket = try RawSocket(port: port)
            try socket.write(
                "GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\nConnection: close\r\n\r\n")
            let text = socket.readAll()
            #expect(text.components(separatedBy: "HTTP/1.1 200 OK").count == 4)
            let bodies = ["/1", "/2", "/3"].map { text.range(of: "\r\n\r\n\($0)") != nil }
            #expect(bodies == [true, true, true])
            #expect(text.contains("Connection: close"))
        }
    }

    @Test("a drop response closes the connection without an answer")
    func drop() async throws {
        try await withServer({ _ in .dropConnection }) { port in
            let socket = try RawSocket(port: port)
            try socket.write("GET / HTTP/1.1\r\n\r\n")
            #expect(socket.readAll().isEmpty)
        }
    }

    @Test("malformed bytes get a 400 and the connection closes")
    func malformedRequest() async throws {
        try await withServer({ _ in HTTPResponse(status: 200) }) { port in
            let socket = try RawSocket(port: port)
            try socket.write("NONSENSE\r\n\r\n")
            #expect(socket.readAll().hasPrefix("HTTP/1.1 400 Bad Request"))
        }
    }

    @Test("a client trickling a request's bytes, each within the idle timeout, gets 408 at the request's deadline")
    func slowRequestTimesOut() async throws {
        // A header line every 0.2 s would take 8 s; without a deadline for the whole request the server would wait
        // for all of it (and for more), holding the connection.
        let (sent, answer) = try await trickle(head: "POST /hook HTTP/1.1\r\nHost: receiver\r\n") { "X-Slow: \($0)\r\n" }
        #expect(sent < 40)
        #expect(answer.hasPrefix("HTTP/1.1 408 Request Timeout"))
    }

    @Test("a chunked body trickled a chunk at a time gets 408 at the request's deadline too")
    func slowChunkedBodyTimesOut() async throws {
        let head = "POST /hook HTTP/1.1\r\nHost: receiver\r\nTransfer-Encoding: chunked\r\n\r\n"
        let (sent, answer) = try await trickle(head: head) { _ in "1\r\nx\r\n" }
        #expect(sent < 40)
        #expect(answer.hasPrefix("HTTP/1.1 408 Request Timeout"))
    }

    @Test("endless bytes that make no request are refused early with the connection closed, not buffered",
          arguments: [
            // Empty lines before a request line.
            ("", "\r\n"),
            // Trailers after the last chunk that never end.
            ("POST /hook HTTP/1.1\r\nHost: r\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n", "X-Trailer: 1\r\n"),
            // One-byte chunks carrying a 1,000-byte extension each.
            ("POST /hook HTTP/1.1\r\nHost: r\r\nTransfer-Encoding: chunked\r\n\r\n",
             "1;" + String(repeating: "e", count: 1_000) + "\r\nx\r\n"),
          ])
    func floodsAreRefused(_ head: String, _ piece: String) async throws {
        let limits = HTTPLimits(maxHeaderBytes: 4096, maxBodyBytes: 4096, idleTimeoutSeconds: 10)
        let server = HTTPServer(port: 0, limits: limits) { _ in HTTPResponse(status: 204) }
        let port = try server.start()
        defer { server.stop() }
        let socket = try RawSocket(port: port)
        try socket.write(head)
        // 64 MiB offered in 64 KiB writes; the server must stop taking them long before.
        let block = String(repeating: piece, count: max(1, 65_536 / piece.utf8.count))
        var written = 0
        while written < 64 << 20, !socket.hasInput {
            do { try socket.write(block) } catch { break }
            written += block.utf8.count
        }
        #expect(written < 4 << 20, "\(written) bytes taken")
        let answer = socket.readAll()
        #expect(answer.isEmpty || answer.hasPrefix("HTTP/1.1 4"), "\(answer.prefix(80))")
    }

    /// Sends `head`, then up to 40 `piece`s 0.2 s apart to a server whose requests must arrive within 1 s (idle
    /// timeout 10 s), stopping once the server answers or closes; returns how many pieces went and the answer.
    private func trickle(head: String, piece: (Int) -> String) async throws -> (sent: Int, answer: String) {
        let limits = HTTPLimits(idleTimeoutSeconds: 10, requestTimeoutSeconds: 1)
        let server = HTTPServer(port: 0, limits: limits) { _ in HTTPResponse(status: 204) }
        let port = try server.start()
        defer { server.stop() }
        let socket = try RawSocket(port: port)
        try socket.write(head)
        var sent = 0
        while sent < 40 {
            try await Task.sleep(for: .milliseconds(200))
            // Nothing is written once the server answered: a write after its close could reset the connection
            // before the answer is read.
            if socket.hasInput { break }
            do { try socket.write(piece(sent)) } catch { break }
            sent += 1
        }
        return (sent, socket.readAll())
    }

    @Test("stop closes idle keep-alive connections and the listener")
    func stopClosesEverything() async throws {
        let server = HTTPServer(port: 0) { _ in HTTPResponse(status: 204) }
        let port = try server.start()
        let socket = try RawSocket(port: port)
        try socket.write("GET / HTTP/1.1\r\n\r\n")
        #expect(socket.readUntilBlankLine().hasPrefix("HTTP/1.1 204"))
        server.stop()
        // The kept-alive connection is closed under the client: it reads end-of-file, not a timeout.
        #expect(socket.readAll().isEmpty)
        #expect(throws: (any Error).self) { try RawSocket(port: port) }
    }
}

/// A blocking TCP client for byte-exact HTTP tests.
final class RawSocket {
    let fd: Int32

    init(port: UInt16) throws {
        // A local until connected: an initializer that throws once every property is set still runs `deinit`,
        // which would close the descriptor a second time (by then perhaps another test's socket).
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            throw HarnessError("connect failed: errno \(code)")
        }
        self.fd = fd
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// Whether the server sent something (or closed) that is not read yet, without waiting.
    var hasInput: Bool {
        var byte: UInt8 = 0
        let count = recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        return count >= 0
    }

    func write(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else {
            throw HarnessError("short write")
        }
    }

    /// Bytes up to and including the first blank line (a response head without body).
    func readUntilBlankLine() -> String {
        var data: [UInt8] = []
        var byte: UInt8 = 0
        while recv(fd, &byte, 1, 0) == 1 {
            data.append(byte)
            if data.count >= 4, data.suffix(4) == [13, 10, 13, 10] { break }
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Everything until the server closes (or 5 s of silence).
    func readAll() -> String {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            data += buffer[0..<count]
        }
        return String(decoding: data, as: UTF8.self)
    }
}
