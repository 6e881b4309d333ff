import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A small Redis client (RESP2 over one TCP connection): connects lazily, authenticates, selects the database, runs
/// one command at a time with a timeout on every step, and reconnects on the next command after any failure.
///
/// Commands run on the client's own serial queue, so a slow or vanished server holds no thread of the cooperative
/// pool, and at most `timeout` seconds pass before a command fails.
public final class RESPClient: Sendable {
    /// The server.
    public let endpoint: RedisEndpoint
    /// The longest a connect, a write or a read may take.
    public let timeout: Double
    private let queue = DispatchQueue(label: "duvo.redis")
    private let socket = Mutex<Int32>(-1)
    /// When the last command failed (monotonic seconds): commands queued before then fail at once instead of each
    /// waiting out its own timeout behind a server that stopped answering.
    private let lastFailure = Mutex<Double>(-Double.infinity)

    /// A client of `endpoint`; nothing is connected until the first command.
    public init(endpoint: RedisEndpoint, timeout: Double = 1) {
        self.endpoint = endpoint
        self.timeout = timeout
    }

    deinit {
        let fd = socket.withLock { $0 }
        if fd >= 0 { close(fd) }
    }

    /// Runs one command and returns its reply (a server error comes back as ``RESPValue/error(_:)``).
    /// - Throws: ``CoordinationError/redis(endpoint:reason:)`` when the server cannot be reached or does not answer in
    ///   time; the connection is then closed and the next command reconnects.
    public func run(_ arguments: [String]) async throws(CoordinationError) -> RESPValue {
        let enqueued = MonotonicClock.now()
        let result: Result<RESPValue, CoordinationError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Result { () throws(CoordinationError) in
                    guard self.lastFailure.withLock({ $0 }) < enqueued else {
                        throw self.failure("skipped: the connection failed while this command waited")
                    }
                    return try self.runBlocking(arguments)
                })
            }
        }
        return try result.get()
    }

    /// Closes the connection (the next command reconnects).
    public func disconnect() {
        queue.sync { dropConnection() }
    }

    private func runBlocking(_ arguments: [String]) throws(CoordinationError) -> RESPValue {
        do {
            let fd = try connection()
            return try exchange(fd, arguments)
        } catch {
            dropConnection()
            lastFailure.withLock { $0 = MonotonicClock.now() }
            throw error
        }
    }

    private func connection() throws(CoordinationError) -> Int32 {
        let current = socket.withLock { $0 }
        if current >= 0 { return current }
        let fd: Int32
        do {
            fd = try SocketIO.connect(host: endpoint.host, port: endpoint.port, timeout: timeout)
        } catch {
            throw failure("cannot connect (\(error))")
        }
        var limit = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        socket.withLock { $0 = fd }
        if let password = endpoint.password {
            let auth = [endpoint.user, password].compactMap { $0 }
            if case .error(let message) = try exchange(fd, ["AUTH"] + auth) {
                throw failure("authentication failed (\(message.split(separator: " ").first ?? "ERR"))")
            }
        }
        if endpoint.database != 0, case .error(let message) = try exchange(fd, ["SELECT", String(endpoint.database)]) {
            throw failure("cannot select database \(endpoint.database): \(message)")
        }
        return fd
    }

    private func exchange(_ fd: Int32, _ arguments: [String]) throws(CoordinationError) -> RESPValue {
        let request = RESPValue.command(arguments)
        var written = 0
        while written < request.count {
            let count = request[written...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw failure("cannot send: \(Self.lastError())") }
            written += count
        }
        var reader = RESPReader()
        var chunk = [UInt8](repeating: 0, count: 8192)
        while true {
            do {
                if let reply = try reader.next() { return reply }
            } catch {
                throw failure("not a Redis reply (\(error.detail))")
            }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                throw failure("no answer within \(timeout) s")
            }
            guard count > 0 else { throw failure(count == 0 ? "the server closed the connection" : Self.lastError()) }
            reader.append(chunk[0..<count])
        }
    }

    private func dropConnection() {
        socket.withLock { fd in
            if fd >= 0 { close(fd) }
            fd = -1
        }
    }

    private func failure(_ reason: String) -> CoordinationError {
        .redis(endpoint: endpoint.description, reason: reason)
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
