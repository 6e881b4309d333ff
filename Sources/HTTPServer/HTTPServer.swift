import Dispatch
import Foundation
import Platform
import Synchronization

/// A small HTTP/1.1 server on POSIX sockets: one thread accepts, one thread per connection serves.
///
/// The handler runs synchronously on the connection's thread, so it may block briefly (a lock) but should not wait
/// for long. Connections are kept alive and pipelining-safe; each response goes out in one `send`.
///
/// ```swift
/// let server = HTTPServer(host: "127.0.0.1", port: 0) { request in
///     HTTPResponse(status: 200, body: Array("hi".utf8))
/// }
/// let port = try server.start()
/// defer { server.stop() }
/// ```
public final class HTTPServer: Sendable {
    /// Answers one request; called on the connection's thread.
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse
    /// Answers bytes that are not a valid request (the connection closes afterwards).
    public typealias ErrorResponder = @Sendable (HTTPParseError) -> HTTPResponse

    /// The address to bind, e.g. `127.0.0.1`, `::1` or `0.0.0.0`.
    public let host: String
    /// The requested port; 0 asks the system for a free one (see ``start()``'s result).
    public let port: UInt16
    /// Bounds on request sizes, idle time and connection count.
    public let limits: HTTPLimits
    private let handler: Handler
    private let errorResponder: ErrorResponder
    private let state = Mutex(State())
    private let acceptDone = DispatchSemaphore(value: 0)

    private struct State: Sendable {
        var listener: Int32 = -1
        var boundPort: UInt16 = 0
        var stopped = false
        var connections: Set<Int32> = []
    }

    /// A server that is not yet listening.
    ///
    /// - Parameter errorResponder: builds the answer to malformed requests; the default is a plain-text body.
    public init(
        host: String = "127.0.0.1", port: UInt16, limits: HTTPLimits = HTTPLimits(),
        errorResponder: ErrorResponder? = nil, handler: @escaping Handler
    ) {
        self.host = host
        self.port = port
        self.limits = limits
        self.handler = handler
        self.errorResponder =
            errorResponder ?? { error in
                HTTPResponse(
                    status: error.status, headers: ["Content-Type": "text/plain; charset=utf-8"],
                    body: Array("\(error.description)\n".utf8))
            }
    }

    /// The port actually bound, once ``start()`` has returned; 0 before.
    public var boundPort: UInt16 { state.withLock { $0.boundPort } }

    /// Binds, listens and starts accepting on a background thread.
    ///
    /// - Returns: the bound port (the system's choice when ``port`` is 0).
    /// - Throws: ``HTTPServerError`` when the address cannot be resolved or bound (for example, port in use).
    @discardableResult
    public func start() throws(HTTPServerError) -> UInt16 {
        // A client that disconnects mid-write must not kill the process; MSG_NOSIGNAL covers send, this the rest.
        Platform.ignoreBrokenPipe()
        let fd = try Listener.open(host: host, port: port)
        let bound = Listener.boundPort(of: fd)
        state.withLock {
            $0.listener = fd
            $0.boundPort = bound
        }
        let thread = Thread { [self] in acceptLoop(fd) }
        thread.name = "http-accept"
        thread.start()
        return bound
    }

    /// Stops listening and closes every open connection; returns once the accept thread has ended.
    ///
    /// Connection threads finish shortly after (their sockets are shut down under them). Calling it twice is harmless.
    public func stop() {
        let wasRunning = state.withLock { state in
            let wasRunning = !state.stopped && state.listener >= 0
            state.stopped = true
            // Under the lock: a descriptor is removed from the set before it is closed, so every one shut down
            // here is still ours and not a reused number. shutdown wakes a thread blocked in accept or recv; the
            // owning thread then closes the descriptor.
            if state.listener >= 0 { Platform.shutdown(state.listener) }
            for fd in state.connections { Platform.shutdown(fd) }
            return wasRunning
        }
        guard wasRunning else { return }
        _ = acceptDone.wait(timeout: .now() + 5)
    }

    private func acceptLoop(_ listener: Int32) {
        defer {
            state.withLock { state in
                Platform.close(listener)
                state.listener = -1
            }
            acceptDone.signal()
        }
        while true {
            let fd = Platform.accept(listener)
            if fd < 0 {
                if state.withLock({ $0.stopped }) { return }
                switch Platform.lastError {
                case Platform.ErrorCode.interrupted, Platform.ErrorCode.connectionAborted,
                    Platform.ErrorCode.protocolError:
                    continue
                case Platform.ErrorCode.tooManyFiles, Platform.ErrorCode.tooManyFilesInSystem,
                    Platform.ErrorCode.noBuffers, Platform.ErrorCode.noMemory:
                    Platform.sleep(microseconds: 10_000)
                    continue
                default: return
                }
            }
            Platform.setCloseOnExec(fd)
            let admitted = state.withLock { state -> Bool in
                guard !state.stopped, state.connections.count < limits.maxConnections else { return false }
                state.connections.insert(fd)
                return true
            }
            guard admitted else {
                refuse(fd)
                continue
            }
            let connection = HTTPConnection(fd: fd, limits: limits, handler: handler, errorResponder: errorResponder) {
                [self] fd in
                state.withLock { _ = $0.connections.remove(fd) }
                Platform.close(fd)
            }
            let thread = Thread { connection.serve() }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    private func refuse(_ fd: Int32) {
        let response = HTTPResponse(
            status: 503, headers: ["Content-Type": "text/plain", "Retry-After": "1"],
            body: Array("too many connections\n".utf8))
        _ = Socket.sendAll(fd, response.serialized(keepAlive: false))
        Platform.close(fd)
    }
}
