import DuvoHTTP
import Foundation
import Platform
import Time

/// The bytes of one connection to Redis, plain TCP or TLS, so that ``RESPClient`` speaks RESP the same way on both.
///
/// Every call takes an absolute deadline (monotonic seconds) and fails once it has passed, however the server
/// trickles its bytes. A stream is used by one thread at a time (the client's queue).
protocol RedisByteStream: AnyObject, Sendable {
    /// Sends `bytes` whole before `deadline`.
    func write(_ bytes: [UInt8], deadline: Double) throws(RedisStreamError)
    /// Reads what arrived (at most `buffer.count` bytes) into `buffer`, waiting until `deadline` for something;
    /// 0 when the server closed the connection.
    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: Double) throws(RedisStreamError) -> Int
    /// Closes the connection; the stream is not used again.
    func close()
}

/// Why a connection's bytes could not be sent or received.
enum RedisStreamError: Error, Sendable {
    /// The deadline passed.
    case timedOut
    /// The connection failed, its certificate was not trusted (the reason is for people, never holds a secret).
    case failed(String)
}

/// Waits until `fd` is ready for `events` or `deadline` passes.
/// - Returns: false when the deadline passed first.
func waitUntilReady(_ fd: Int32, events: Platform.PollEvents, deadline: Double) throws(RedisStreamError) -> Bool {
    while true {
        let remaining = deadline - MonotonicClock.now()
        guard remaining > 0 else { return false }
        let ready = Platform.poll(fd, for: events, timeoutMilliseconds: Int32(min(remaining * 1000, 60_000).rounded(.up)))
            .count
        if ready < 0 && Platform.lastError == Platform.ErrorCode.interrupted { continue }
        guard ready >= 0 else { throw .failed(Platform.lastErrorDescription()) }
        if ready > 0 { return true }
    }
}

/// A plain TCP connection, non-blocking, every wait a `poll` bounded by the deadline.
final class PlainRedisStream: RedisByteStream {
    private let fd: Int32

    /// Connects to `host:port` before `deadline`.
    init(host: String, port: Int, deadline: Double) throws(RedisStreamError) {
        do {
            fd = try SocketIO.connect(host: host, port: port, timeout: max(0.001, deadline - MonotonicClock.now()))
        } catch {
            throw .failed("cannot connect (\(error))")
        }
        Platform.setNonBlocking(fd)
    }

    func write(_ bytes: [UInt8], deadline: Double) throws(RedisStreamError) {
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { raw in
                Platform.send(fd: fd, UnsafeRawBufferPointer(rebasing: raw[written...]))
            }
            if count > 0 {
                written += count
            } else if count < 0 && Platform.lastError == Platform.ErrorCode.interrupted {
                continue
            } else if count < 0 && Platform.lastErrorIsWouldBlock {
                guard try waitUntilReady(fd, events: .writable, deadline: deadline) else { throw .timedOut }
            } else {
                throw .failed("cannot send: \(Platform.lastErrorDescription())")
            }
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: Double) throws(RedisStreamError) -> Int {
        while true {
            let count = Platform.receive(fd: fd, into: buffer)
            if count >= 0 { return count }
            if Platform.lastError == Platform.ErrorCode.interrupted { continue }
            guard Platform.lastErrorIsWouldBlock else {
                throw .failed(Platform.lastErrorDescription())
            }
            guard try waitUntilReady(fd, events: .readable, deadline: deadline) else { throw .timedOut }
        }
    }

    func close() { Platform.close(fd) }
}
