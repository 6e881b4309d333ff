import Foundation
import Platform
import Synchronization
import Time

/// A plain-HTTP/1.1 transport on POSIX sockets with a pool of keep-alive connections, for `http://` endpoints (the
/// simulator, a local proxy) reached directly. It costs about half the CPU per call of ``CurlTransport``, which serves
/// `https://` and anything through a proxy (see ``TransportSelection``).
///
/// The blocking socket calls (connect, each exchange) run on the ``BlockingExecutor``, never on Swift's cooperative
/// pool (which has only as many threads as cores). Cancelling the calling task shuts the socket down, which ends the
/// exchange at once.
package final class SocketHTTPTransport: HTTPTransport {
    private let pool = Mutex<[String: [IdleSocket]]>([:])
    private let maxIdlePerHost: Int

    private struct IdleSocket: Sendable {
        let fd: Int32
        let since: Double
        /// The receive timeout the socket has (`SO_RCVTIMEO`; its send timeout was set with it), set again only when
        /// a call needs one that differs by 10 ms or more (each call's timeout is what is left of its attempt, a few
        /// microseconds less every time).
        let receiveTimeout: Double
    }

    /// A transport keeping up to `maxIdlePerHost` idle connections per host for reuse.
    package init(maxIdlePerHost: Int = 64) {
        self.maxIdlePerHost = maxIdlePerHost
        Platform.ignoreBrokenPipe()
    }

    deinit {
        pool.withLock { pool in
            for sockets in pool.values { for socket in sockets { Platform.close(socket.fd) } }
        }
    }

    package func send(method: String, url: URL, headers: [String: String], body: [UInt8]?,
                     timeout: TimeInterval) async throws(TransportError) -> APIResponse {
        guard let host = url.host, let target = Self.requestTarget(of: url.absoluteString) else {
            throw .connectFailed("not an http URL: \(url.absoluteString)")
        }
        let port = url.port ?? 80
        let key = "\(host):\(port)"
        let request = HTTPRequestBytes.make(method: method, target: target, host: key, headers: headers, body: body)
        let reused = checkout(key)
        let fd: Int32
        // One deadline for the call: connecting spends part of it, the exchange gets what is left.
        var left = timeout
        if let reused {
            fd = reused.fd
        } else {
            let deadline = MonotonicClock.now() + timeout
            fd = try await BlockingExecutor.shared.run { () throws(TransportError) in
                try SocketIO.connect(host: host, port: port, timeout: timeout)
            }
            left = max(0.001, deadline - MonotonicClock.now())
        }
        let outcome: Result<SocketIO.Exchanged, TransportError> = await withTaskCancellationHandler {
            await BlockingExecutor.shared.run { [left] in
                SocketIO.exchange(fd: fd, request: request, timeout: left,
                                  timeoutIsSet: reused.map { abs($0.receiveTimeout - timeout) < 0.01 } ?? false)
            }
        } onCancel: {
            Platform.shutdown(fd)
        }
        switch outcome {
        case .success(let exchanged):
            if exchanged.keepAlive && !Task.isCancelled {
                checkin(key, fd, receiveTimeout: exchanged.receiveTimeout)
            } else {
                Platform.close(fd)
            }
            return exchanged.response
        case .failure(let error):
            Platform.close(fd)
            if Task.isCancelled { throw .cancelled }
            throw error
        }
    }

    /// The request target of an absolute URL: its path and query as written (already percent-encoded), `/` for an
    /// empty path, without the fragment; nil without a `scheme://authority`.
    // Scanned as bytes: `URLComponents` re-parsed the whole URL on every call.
    static func requestTarget(of absolute: String) -> String? {
        let bytes = Array(absolute.utf8)
        let separator = Array("://".utf8)
        guard let schemeEnd = bytes.indices.first(where: { bytes[$0...].starts(with: separator) }) else { return nil }
        let authorityStart = schemeEnd + separator.count
        let isDelimiter: (UInt8) -> Bool = { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }
        let start = bytes[authorityStart...].firstIndex(where: isDelimiter) ?? bytes.endIndex
        let end = bytes[start...].firstIndex(of: UInt8(ascii: "#")) ?? bytes.endIndex
        let target = String(decoding: bytes[start..<end], as: UTF8.self)
        return target.hasPrefix("/") ? target : "/" + target
    }

    /// An idle connection to `key` that the server has not closed, if any.
    private func checkout(_ key: String) -> IdleSocket? {
        let now = MonotonicClock.now()
        while let candidate = pool.withLock({ $0[key]?.popLast() }) {
            if now - candidate.since < 30, SocketIO.isOpenAndQuiet(candidate.fd) { return candidate }
            Platform.close(candidate.fd)
        }
        return nil
    }

    private func checkin(_ key: String, _ fd: Int32, receiveTimeout: Double) {
        let kept = pool.withLock { pool -> Bool in
            var sockets = pool[key] ?? []
            guard sockets.count < maxIdlePerHost else { return false }
            sockets.append(IdleSocket(fd: fd, since: MonotonicClock.now(), receiveTimeout: receiveTimeout))
            pool[key] = sockets
            return true
        }
        if !kept { Platform.close(fd) }
    }
}

/// The bytes of an HTTP/1.1 request.
enum HTTPRequestBytes {
    static func make(method: String, target: String, host: String, headers: [String: String], body: [UInt8]?)
        -> [UInt8]
    {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: \(host)\r\n"
        // Bytes, not `String.contains`, which Foundation routes through NSString.
        for (name, value) in headers where !value.utf8.contains(where: { $0 == 13 || $0 == 10 }) {
            head += "\(name): \(value)\r\n"
        }
        head += "Content-Length: \(body?.count ?? 0)\r\n\r\n"
        return Array(head.utf8) + (body ?? [])
    }
}
