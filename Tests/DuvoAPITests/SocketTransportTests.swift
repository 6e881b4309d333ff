import DuvoHTTP
import TestSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

@Suite("The socket transport's pooled connections")
struct SocketTransportTests {
    @Test("a pooled connection waits for an answer as long as the call that reuses it asks, not the call before")
    func reusedConnectionTakesTheNewTimeout() async throws {
        let listener = try LoopbackListener()
        let url = try #require(URL(string: "http://127.0.0.1:\(listener.port)/v2/runs/r"))
        let transport = SocketHTTPTransport()
        async let served = listener.acceptRequest()
        async let first = transport.send(method: "GET", url: url, headers: [:], body: nil, timeout: 30)
        let (connection, _) = await served
        // Answered and kept open: the connection goes back to the pool with a 30 s receive timeout.
        let answer = Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}".utf8)
        _ = answer.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
        #expect(try await first.status == 200)
        defer { close(connection) }

        // The second call reuses it and is never answered: it must give up after its own 0.3 s.
        let outcome = await withTaskGroup(of: String.self) { group in
            group.addTask {
                do {
                    _ = try await transport.send(method: "GET", url: url, headers: [:], body: nil, timeout: 0.3)
                    return "answered"
                } catch {
                    return "\(error)"
                }
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(15))
                return "still waiting after 15 s"
            }
            let winner = await group.next() ?? ""
            group.cancelAll()
            return winner
        }
        #expect(outcome == "\(TransportError.timedOut)")
    }

    @Test("a peer that trickles its answer, a byte within every receive timeout, is cut off at the call's deadline")
    func tricklingAnswerTimesOut() async throws {
        let listener = try LoopbackListener()
        let url = try #require(URL(string: "http://127.0.0.1:\(listener.port)/v2/runs/r"))
        let transport = SocketHTTPTransport()
        async let served = listener.acceptRequest()
        let call = Task {
            do {
                _ = try await transport.send(method: "GET", url: url, headers: [:], body: nil, timeout: 0.5)
                return "answered"
            } catch {
                return "\(error)"
            }
        }
        let (connection, _) = await served
        // The head at once, then the 100-byte body a byte every 0.1 s: 10 s in all, each byte well within 0.5 s.
        Thread {
            let head = Array("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n".utf8)
            _ = head.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
            for _ in 0..<100 {
                usleep(100_000)
                var byte = UInt8(ascii: "x")
                if write(connection, &byte, 1) != 1 { break }
            }
            close(connection)
        }.start()
        #expect(await call.value == "\(TransportError.timedOut)")
    }
}

@Suite("Interim responses over a socket")
struct InterimResponseTransportTests {
    /// The answer to one `method` call through `transport`, from a server that sends `interim` first, each in a
    /// write of its own (so the reader gets them as separate reads), then a 200 with a JSON body.
    func answer(_ transport: some HTTPTransport, method: String, interim: [String]) async throws -> APIResponse {
        let listener = try LoopbackListener()
        let url = try #require(URL(string: "http://127.0.0.1:\(listener.port)/v2/runs"))
        async let served = listener.acceptRequest()
        async let answer = transport.send(method: method, url: url, headers: [:],
                                          body: method == "POST" ? Array("{}".utf8) : nil, timeout: 10)
        let (connection, _) = await served
        for head in interim {
            let bytes = Array(head.utf8)
            _ = bytes.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
            try await Task.sleep(for: .milliseconds(50))
        }
        LoopbackListener.answer(connection, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + "Content-Length: 13\r\n\r\n{\"id\":\"run1\"}")
        return try await answer
    }

    @Test("a 103 Early Hints or two 100 Continue before the 200 are skipped: the caller gets the 200 and its body",
          arguments: ["socket", "curl"])
    func interimThenFinal(transport: String) async throws {
        let interims = [["HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"],
                        ["HTTP/1.1 100 Continue\r\n\r\n", "HTTP/1.1 100 Continue\r\n\r\n"]]
        for method in ["GET", "POST"] {
            for interim in interims {
                let response = transport == "socket"
                    ? try await answer(SocketHTTPTransport(), method: method, interim: interim)
                    : try await answer(CurlTransport(), method: method, interim: interim)
                #expect(response.status == 200, "\(method) after \(interim)")
                #expect(String(decoding: response.body, as: UTF8.self) == "{\"id\":\"run1\"}")
                #expect(response.headers["link"] == nil)
            }
        }
    }
}

@Suite("A connection reset over a socket")
struct ConnectionResetTransportTests {
    @Test("an answer delimited by the end of the connection and cut by a reset is a lost connection, not a short body")
    func resetIsNoEndOfBody() async throws {
        let listener = try LoopbackListener()
        let url = try #require(URL(string: "http://127.0.0.1:\(listener.port)/v2/runs/1"))
        async let served = listener.acceptRequest()
        async let answer = SocketHTTPTransport().send(method: "GET", url: url, headers: [:], body: nil, timeout: 10)
        let (connection, _) = await served
        let head = Array("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{\"id\":\"ru".utf8)
        _ = head.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
        try await Task.sleep(for: .milliseconds(100))
        // SO_LINGER 0: closing sends a reset, not the end of the stream.
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(connection, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        close(connection)
        do {
            let response = try await answer
            Issue.record("a cut answer passed for whole: \(String(decoding: response.body, as: UTF8.self))")
        } catch {
            #expect("\(error)".contains("connection"), "\(error)")
        }
    }
}
