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
