import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A listening TCP socket on a free loopback port, for transport tests that need a peer that behaves in one exact
/// way (answers one canned response, or accepts and never answers). Blocking calls run on a thread of their own.
public final class LoopbackListener: Sendable {
    public let fd: Int32
    public let port: Int

    public init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && listen(fd, 8) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard fd >= 0, bound else { throw POSIXError(.EADDRNOTAVAIL) }
        self.fd = fd
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(fd) }

    /// Accepts one connection and reads one request (head and `Content-Length` body); returns the connection and the
    /// request's bytes.
    public func acceptRequest() async -> (connection: Int32, request: [UInt8]) {
        await withCheckedContinuation { continuation in
            let listener = fd
            Thread {
                let connection = accept(listener, nil, nil)
                var request: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 4096)
                while connection >= 0 {
                    let count = read(connection, &buffer, buffer.count)
                    if count <= 0 { break }
                    request += buffer[0..<count]
                    if Self.isComplete(request) { break }
                }
                continuation.resume(returning: (connection, request))
            }.start()
        }
    }

    /// Writes `response` on `connection` and closes it.
    public static func answer(_ connection: Int32, _ response: String) {
        let bytes = Array(response.utf8)
        _ = bytes.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
        close(connection)
    }

    /// Answers on `connection`, on a thread of its own, with a head promising 1,000 bytes and then one byte every
    /// `interval` seconds, `count` times at most (a receiver or server that trickles its answer), then closes it.
    public static func trickle(_ connection: Int32, every interval: Double, count: Int) {
        Thread {
            var bytes = Array("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n".utf8)
            for _ in 0..<count {
                // MSG_NOSIGNAL: a peer that gave up is a failed send, not a SIGPIPE for the test process.
                let sent = bytes.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if sent < 0 { break }
                bytes = [UInt8(ascii: "x")]
                Thread.sleep(forTimeInterval: interval)
            }
            close(connection)
        }.start()
    }

    private static func isComplete(_ request: [UInt8]) -> Bool {
        let text = String(decoding: request, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { return false }
        let head = text[..<end.lowerBound].lowercased()
        let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        return text.utf8.count - text.utf8.distance(from: text.startIndex, to: end.upperBound) >= length
    }
}
