import Dispatch
import Foundation
import Platform
import Synchronization
import Time

/// A plain-HTTP/1.1 transport on POSIX sockets with a pool of keep-alive connections, for `http://` endpoints (the
/// simulator, a local proxy) reached directly. It costs about half the CPU per call of ``CurlTransport``, which serves
/// `https://` and anything through a proxy (see ``TransportSelection``).
///
/// A fast local answer is awaited inline for at most 2 ms; slower exchanges run their blocking socket calls on a
/// thread of their own, never on Swift's cooperative pool (which has only as many threads as cores). Cancelling the calling task shuts the socket down, which ends the exchange at once.
package final class SocketHTTPTransport: HTTPTransport {
    private let pool = Mutex<[String: [IdleSocket]]>([:])
    private let maxIdlePerHost: Int

    private struct IdleSocket: Sendable {
        let fd: Int32
        let since: Double
    }

    /// How long an exchange may hold the calling thread waiting for the first bytes of the answer.
    static let inlineWait = 0.002

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
        if let reused {
            fd = reused
        } else {
            fd = try await onWorker { () throws(TransportError) in try SocketIO.connect(host: host, port: port,
                                                                                        timeout: timeout) }
        }
        let outcome: Result<(APIResponse, Bool), TransportError> = await withTaskCancellationHandler {
            // A local server usually answers within a fraction of a millisecond: wait for that inline, holding this
            // thread at most `inlineWait`, and only hand a slower exchange to a worker thread. Each hand-off costs
            // two thread switches, which were most of the bridge's overhead per call.
            switch SocketIO.sendAndAwaitFirstBytes(fd: fd, request: request, wait: Self.inlineWait) {
            case .failed(let error): return .failure(error)
            case .readable: return SocketIO.exchange(fd: fd, request: nil, timeout: timeout)
            case .pending: return await onWorkerResult { SocketIO.exchange(fd: fd, request: nil, timeout: timeout) }
            }
        } onCancel: {
            Platform.shutdown(fd)
        }
        switch outcome {
        case .success(let (response, keepAlive)):
            if keepAlive && !Task.isCancelled { checkin(key, fd) } else { Platform.close(fd) }
            return response
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
    private func checkout(_ key: String) -> Int32? {
        let now = MonotonicClock.now()
        while let candidate = pool.withLock({ $0[key]?.popLast() }) {
            if now - candidate.since < 30, SocketIO.isOpenAndQuiet(candidate.fd) { return candidate.fd }
            Platform.close(candidate.fd)
        }
        return nil
    }

    private func checkin(_ key: String, _ fd: Int32) {
        let kept = pool.withLock { pool -> Bool in
            var sockets = pool[key] ?? []
            guard sockets.count < maxIdlePerHost else { return false }
            sockets.append(IdleSocket(fd: fd, since: MonotonicClock.now()))
            pool[key] = sockets
            return true
        }
        if !kept { Platform.close(fd) }
    }

    private func onWorker<T: Sendable>(_ body: @escaping @Sendable () throws(TransportError) -> T)
        async throws(TransportError) -> T
    {
        try await onWorkerResult { () -> Result<T, TransportError> in
            do throws(TransportError) { return .success(try body()) } catch { return .failure(error) }
        }.get()
    }

    /// Runs blocking socket calls on a thread of their own. Not a Dispatch queue: on Linux the global queues' worker
    /// threads are capped at the core count and shared with Swift's cooperative pool, so two slow upstream calls
    /// blocked there stalled every other request, even ones that needed no upstream call.
    private func onWorkerResult<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: body()) }
            thread.stackSize = 256 << 10
            thread.start()
        }
    }
}

/// The bytes of an HTTP/1.1 request.
enum HTTPRequestBytes {
    static func make(method: String, target: String, host: String, headers: [String: String], body: [UInt8]?)
        -> [UInt8]
    {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: \(host)\r\n"
        // Bytes, not `String.contains`, which Foundation routes through NSString (2.6% of a `runs/get`).
        for (name, value) in headers where !value.utf8.contains(where: { $0 == 13 || $0 == 10 }) {
            head += "\(name): \(value)\r\n"
        }
        head += "Content-Length: \(body?.count ?? 0)\r\n\r\n"
        return Array(head.utf8) + (body ?? [])
    }
}
