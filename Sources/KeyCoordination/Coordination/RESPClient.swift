import DuvoHTTP
import Foundation
import Platform
import Synchronization
import Time

/// A small Redis client (RESP2 over one TCP or TLS connection): connects lazily, authenticates, selects the database,
/// runs one command at a time, and reconnects on the next command after any failure.
///
/// Commands run one at a time, in order, on a ``SerialBlockingQueue``, so a slow or vanished server holds no thread
/// of the cooperative pool. Each command has one deadline, `timeout` seconds after it starts, for its write and every read of its
/// reply (setting up a connection has one more); a reply that breaks ``RESPReader``'s limits fails the command at
/// once. Either way the connection is dropped and the error names the command and the reply's type, never the reply.
package final class RESPClient: Sendable {
    /// The server.
    package let endpoint: RedisEndpoint
    /// The longest a command may take, and setting up a connection.
    package let timeout: Double
    private let tls: TLSConfiguration
    private let queue = SerialBlockingQueue()
    private let stream = Mutex<(any RedisByteStream)?>(nil)
    /// When the last command failed (monotonic seconds): commands queued before then fail at once instead of each
    /// waiting out its own timeout behind a server that stopped answering.
    private let lastFailure = Mutex<Double>(-Double.infinity)

    /// A client of `endpoint` (over TLS for `rediss://`, trusting what `tls` names); nothing is connected until the
    /// first command.
    package init(endpoint: RedisEndpoint, timeout: Double = 1, tls: TLSConfiguration = .system) {
        self.endpoint = endpoint
        self.timeout = timeout
        self.tls = tls
    }

    deinit {
        stream.withLock { $0 }?.close()
    }

    /// Runs one command and returns its reply (a server error comes back as ``RESPValue/error(_:)``).
    /// - Throws: ``CoordinationError/redis(endpoint:reason:)`` when the server cannot be reached, does not answer in
    ///   time or answers with bytes that are not a RESP reply within limits; the connection is then closed and the
    ///   next command reconnects.
    package func run(_ arguments: [String]) async throws(CoordinationError) -> RESPValue {
        let enqueued = MonotonicClock.now()
        return try await queue.run { () throws(CoordinationError) in
            guard self.lastFailure.withLock({ $0 }) < enqueued else {
                throw self.failure("skipped: the connection failed while this command waited")
            }
            return try self.runBlocking(arguments)
        }
    }

    private func runBlocking(_ arguments: [String]) throws(CoordinationError) -> RESPValue {
        do {
            let connection = try self.connection()
            return try exchange(connection, arguments, deadline: MonotonicClock.now() + timeout)
        } catch {
            dropConnection()
            lastFailure.withLock { $0 = MonotonicClock.now() }
            throw error
        }
    }

    private func connection() throws(CoordinationError) -> any RedisByteStream {
        if let current = stream.withLock({ $0 }) { return current }
        let deadline = MonotonicClock.now() + timeout
        let connection: any RedisByteStream
        do {
            connection = endpoint.tls
                ? try TLSRedisStream(host: endpoint.host, port: endpoint.port, tls: tls, deadline: deadline)
                : try PlainRedisStream(host: endpoint.host, port: endpoint.port, deadline: deadline)
        } catch {
            throw failure(reason(error, command: "connect"))
        }
        stream.withLock { $0 = connection }
        if let password = endpoint.password {
            let auth = [endpoint.user, password].compactMap { $0 }
            if case .error(let message) = try exchange(connection, ["AUTH"] + auth, deadline: deadline) {
                let code = RESPValue.errorCode(message)
                throw failure("authentication failed (\(code)); check the user and password of the coordination "
                    + "URL")
            }
        }
        if endpoint.database != 0,
           case .error(let message) = try exchange(connection, ["SELECT", String(endpoint.database)], deadline: deadline)
        {
            throw failure("cannot select database \(endpoint.database): \(RESPValue.printable(message, limit: 80))")
        }
        return connection
    }

    /// Sends one command and reads its reply, all before `deadline`.
    private func exchange(_ connection: any RedisByteStream, _ arguments: [String], deadline: Double)
        throws(CoordinationError) -> RESPValue
    {
        // `SCRIPT LOAD`, `GET`: the command's name, never its arguments (keys, a script, a password).
        let command = arguments.prefix(arguments.first == "SCRIPT" ? 2 : 1).joined(separator: " ")
        do {
            try connection.write(RESPValue.command(arguments), deadline: deadline)
        } catch {
            throw failure(reason(error, command: command))
        }
        var reader = RESPReader()
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let parsed: RESPValue?
            do {
                parsed = try reader.next()
            } catch {
                throw failure("\(command): \(error)")
            }
            if let reply = parsed {
                // One command, one reply: more would be taken for the next command's.
                guard !reader.hasUnparsedBytes else { throw failure("\(command): the server sent more than one reply") }
                return reply
            }
            let received = chunk.withUnsafeMutableBytes { buffer in
                Result { () throws(RedisStreamError) in try connection.read(into: buffer, deadline: deadline) }
            }
            let count: Int
            switch received {
            case .success(let value): count = value
            case .failure(let error): throw failure(reason(error, command: command, awaiting: reader.currentKind))
            }
            guard count > 0 else {
                throw failure("\(command): the server closed the connection")
            }
            reader.append(chunk[0..<count])
        }
    }

    /// The words for a stream failure during `command`; `awaiting` is the type of the reply being read, if any.
    private func reason(_ error: RedisStreamError, command: String, awaiting: String? = nil) -> String {
        switch error {
        case .timedOut:
            if let awaiting { "\(command): the reply (\(awaiting)) was not complete within \(timeout) s" }
            else { "\(command): no reply within \(timeout) s" }
        case .failed(let reason): "\(command): \(reason)"
        }
    }

    private func dropConnection() {
        stream.withLock { current in
            current?.close()
            current = nil
        }
    }

    private func failure(_ reason: String) -> CoordinationError {
        .redis(endpoint: endpoint.description, reason: reason)
    }
}
