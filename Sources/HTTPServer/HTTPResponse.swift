/// What a handler answers: a status, headers and a body, or an instruction to drop the connection.
public struct HTTPResponse: Sendable {
    /// How the connection delivers this response.
    public enum Disposition: Sendable, Hashable {
        /// Write the response (the normal case).
        case send
        /// Close the connection without writing anything (fault injection: the client sees a reset or EOF).
        case dropConnection
    }

    /// The status code, e.g. 200.
    public var status: Int
    /// Header fields; `Content-Length` and `Connection` are added when the response is written.
    public var headers: HTTPHeaders
    /// The body bytes.
    public var body: [UInt8]
    /// Whether to write the response or drop the connection.
    public var disposition: Disposition
    /// A pause on the connection's thread before the response is written (fault injection: added latency).
    public var delay: Duration?

    /// A response to be written as is.
    public init(status: Int, headers: HTTPHeaders = [:], body: [UInt8] = [], delay: Duration? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.disposition = .send
        self.delay = delay
    }

    /// A response that closes the connection without answering.
    public static var dropConnection: HTTPResponse {
        var response = HTTPResponse(status: 0)
        response.disposition = .dropConnection
        return response
    }

    /// The status line, headers and body as one buffer, so the connection writes it with a single `send`.
    ///
    /// - Parameter keepAlive: false adds `Connection: close`.
    /// - Parameter includeBody: false for answers to `HEAD` (the length is still announced).
    public func serialized(keepAlive: Bool, includeBody: Bool = true) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128 + body.count + headers.fields.count * 32)
        out.append(contentsOf: "HTTP/1.1 \(status) \(HTTPStatusText.reason(for: status))\r\n".utf8)
        for field in headers.fields where !field.name.equalsIgnoringASCIICase("Content-Length") {
            out.append(contentsOf: field.name.utf8)
            out.append(contentsOf: [0x3A, 0x20])
            out.append(contentsOf: field.value.utf8)
            out.append(contentsOf: [0x0D, 0x0A])
        }
        if status >= 200 && status != 204 && status != 304 {
            out.append(contentsOf: "Content-Length: \(body.count)\r\n".utf8)
        }
        if !keepAlive { out.append(contentsOf: "Connection: close\r\n".utf8) }
        out.append(contentsOf: [0x0D, 0x0A])
        if includeBody { out.append(contentsOf: body) }
        return out
    }
}
