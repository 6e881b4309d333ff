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
    func serve() {
        defer { onClose(fd) }
        Platform.setNoDelay(fd)
        Platform.setReceiveTimeout(fd, seconds: Double(limits.idleTimeoutSeconds))
        Platform.setSendTimeout(fd, seconds: 30)
        var parser = HTTPRequestParser(limits: limits)
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { raw in Platform.receive(fd: fd, into: raw) }
            if count < 0 && Platform.lastError == Platform.ErrorCode.interrupted { continue }
            // 0 is an orderly close, <0 an error or the idle timeout (EAGAIN): either way the connection is done.
            guard count > 0 else { return }
            parser.append(chunk[0..<count])
            guard answerBuffered(&parser) else { return }
        }
    }

    /// Answers every complete request in the parser; false when the connection must close.
    private func answerBuffered(_ parser: inout HTTPRequestParser) -> Bool {
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
