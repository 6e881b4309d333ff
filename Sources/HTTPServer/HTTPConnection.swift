import Platform

/// Serves one accepted connection on its own thread with blocking reads, until the client closes it, it idles out,
/// or the server stops.
///
/// Blocking I/O on a dedicated thread is deliberate: the handler is synchronous and Swift's cooperative pool (two
/// threads on this machine) must never block.
final class HTTPConnection: Sendable {
    let fd: Int32
    private let handler: HTTPServer.Handler
    private let errorResponder: HTTPServer.ErrorResponder
    private let limits: HTTPLimits
    private let onClose: @Sendable (Int32) -> Void

    init(
        fd: Int32, limits: HTTPLimits, handler: @escaping HTTPServer.Handler,
        errorResponder: @escaping HTTPServer.ErrorResponder, onClose: @escaping @Sendable (Int32) -> Void
    ) {
        self.fd = fd
        self.limits = limits
        self.handler = handler
        self.errorResponder = errorResponder
        self.onClose = onClose
    }

    /// Reads, parses, answers; returns when the connection is finished, having closed the socket.
    ///
    /// Between requests a read waits at most the idle timeout; once a request's first byte is in, the whole request
    /// must arrive within ``HTTPLimits/requestTimeoutSeconds`` of it, or it is answered 408 and the connection closed.
    func serve() {
        defer { onClose(fd) }
        Platform.setNoDelay(fd)
        Platform.setSendTimeout(fd, seconds: 30)
        var parser = HTTPRequestParser(limits: limits)
        var chunk = [UInt8](repeating: 0, count: 65536)
        /// When the first byte of the request not yet complete arrived (nil between requests).
        var requestStartedAt: Double?
        /// The receive timeout the socket has (set again only when the wait changes).
        var socketWait = -1.0
        while true {
            var wait = Double(limits.idleTimeoutSeconds)
            if let requestStartedAt {
                let left = limits.requestTimeoutSeconds - (Platform.monotonicSeconds() - requestStartedAt)
                guard left > 0 else { return timedOut() }
                wait = min(wait, left)
            }
            if wait != socketWait {
                Platform.setReceiveTimeout(fd, seconds: wait)
                socketWait = wait
            }
            let count = chunk.withUnsafeMutableBytes { raw in Platform.receive(fd: fd, into: raw) }
            if count < 0 && Platform.lastError == Platform.ErrorCode.interrupted { continue }
            // 0 is an orderly close, <0 an error or a read that timed out: either way the connection is done, and a
            // request under way that ran out of time is told so.
            guard count > 0 else {
                if count < 0, requestStartedAt != nil, Platform.lastErrorIsWouldBlock { timedOut() }
                return
            }
            parser.append(chunk[0..<count])
            var answered = 0
            guard answerBuffered(&parser, answered: &answered) else { return }
            if !parser.hasPartialRequest {
                requestStartedAt = nil
            } else if requestStartedAt == nil || answered > 0 {
                // A request still partial started with these bytes (the one before it, if any, was answered).
                requestStartedAt = Platform.monotonicSeconds()
            }
        }
    }

    /// A request that did not arrive whole in time: 408, and the connection closes.
    private func timedOut() {
        let response = HTTPResponse(status: 408, headers: ["Content-Type": "text/plain; charset=utf-8"],
                                    body: Array("the request did not arrive in time\n".utf8))
        _ = Socket.sendAll(fd, response.serialized(keepAlive: false))
    }

    /// Answers every complete request in the parser, counting them in `answered`; false when the connection must
    /// close.
    private func answerBuffered(_ parser: inout HTTPRequestParser, answered: inout Int) -> Bool {
        var output: [UInt8] = []
        defer { if !output.isEmpty { _ = Socket.sendAll(fd, output) } }
        while true {
            let request: HTTPRequest?
            do {
                request = try parser.nextRequest()
            } catch {
                output.append(contentsOf: errorResponder(error).serialized(keepAlive: false))
                return false
            }
            guard let request else {
                if parser.takeContinueExpectation() {
                    output.append(contentsOf: Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
                }
                return true
            }
            answered += 1
            let response = handler(request)
            if response.disposition == .dropConnection {
                output.removeAll()
                return false
            }
            let keepAlive = request.wantsKeepAlive
            if let delay = response.delay {
                // Earlier pipelined answers go out first so the delay applies to this response only.
                if !output.isEmpty, !Socket.sendAll(fd, output) {
                    output.removeAll()
                    return false
                }
                output.removeAll()
                Platform.sleep(for: delay)
            }
            output.append(contentsOf: response.serialized(keepAlive: keepAlive, includeBody: request.method != "HEAD"))
            if !keepAlive { return false }
            // Answers to pipelined requests are batched into one write; flush before reading more.
            if !parser.hasPartialRequest { return true }
        }
    }
}
