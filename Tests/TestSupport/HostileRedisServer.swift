import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A loopback server that speaks RESP badly on purpose: for each connection it reads a command, then sends `reply`'s
/// bytes as it dictates (all at once, trickled, or without end), to test a client against a hostile or broken Redis.
/// It serves connections one after the other on a thread of its own until ``stop()``.
public final class HostileRedisServer: Sendable {
    /// How the reply goes out.
    public enum Reply: Sendable {
        /// These bytes at once, then the connection stays open (silent).
        case bytes([UInt8])
        /// `prefix`, then one byte of `filler` every `interval` seconds, forever.
        case trickle(prefix: [UInt8], interval: Double)
        /// `prefix`, then `filler` bytes as fast as the client takes them, forever.
        case endless(prefix: [UInt8])
        /// One of these replies for each read of a command, in order (a client that pipelines nothing gets one per
        /// command), then silence.
        case each([[UInt8]])
    }

    /// The port it listens on (127.0.0.1).
    public let port: Int
    private let listener: Int32
    private let stopped = Locked(false)

    /// Starts listening and serving `reply` to every connection.
    public init(reply: Reply) throws {
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let fd = listener
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && listen(fd, 8) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard bound else { throw RedisServerProcess.StartError(description: "cannot listen on loopback") }
        port = Int(UInt16(bigEndian: address.sin_port))
        let stopped = self.stopped
        Thread {
            while !stopped.withLock({ $0 }) {
                let client = accept(fd, nil, nil)
                guard client >= 0 else { return }
                Thread { Self.serve(client, reply: reply, stopped: stopped) }.start()
            }
        }.start()
    }

    /// `redis://127.0.0.1:port/0`.
    public var url: String { "redis://127.0.0.1:\(port)/0" }

    /// Stops accepting and ends every connection's reply.
    public func stop() {
        let already = stopped.withLock { state -> Bool in
            defer { state = true }
            return state
        }
        guard !already else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    deinit { stop() }

    private static func serve(_ fd: Int32, reply: Reply, stopped: Locked<Bool>) {
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        guard buffer.withUnsafeMutableBytes({ recv(fd, $0.baseAddress, $0.count, 0) }) > 0 else { return }
        func send(_ bytes: [UInt8]) -> Bool {
            bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
        }
        switch reply {
        case .bytes(let bytes):
            guard send(bytes) else { return }
            // Silent until the client hangs up.
            while !stopped.withLock({ $0 }), buffer.withUnsafeMutableBytes({ recv(fd, $0.baseAddress, $0.count, 0) }) > 0 {}
        case .trickle(let prefix, let interval):
            guard send(prefix) else { return }
            while !stopped.withLock({ $0 }), send([UInt8(ascii: "x")]) { usleep(UInt32(interval * 1e6)) }
        case .endless(let prefix):
            guard send(prefix) else { return }
            let filler = [UInt8](repeating: UInt8(ascii: "x"), count: 65_536)
            while !stopped.withLock({ $0 }), send(filler) {}
        case .each(let replies):
            for (index, reply) in replies.enumerated() {
                if index > 0, buffer.withUnsafeMutableBytes({ recv(fd, $0.baseAddress, $0.count, 0) }) <= 0 { return }
                guard send(reply) else { return }
            }
            while !stopped.withLock({ $0 }), buffer.withUnsafeMutableBytes({ recv(fd, $0.baseAddress, $0.count, 0) }) > 0 {}
        }
    }
}
