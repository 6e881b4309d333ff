import Foundation
import Platform

/// The blocking socket calls behind ``SocketHTTPTransport``: connect with a deadline, and one request/response exchange.
package enum SocketIO {
    /// Opens a TCP connection to `host:port`, trying each address, within `timeout` seconds.
    package static func connect(host: String, port: Int, timeout: Double) throws(TransportError) -> Int32 {
        switch Platform.connect(host: host, port: port, timeout: timeout) {
        case .success(let fd): return fd
        case .failure(let failure): throw .connectFailed(failure.reason)
        }
    }

    /// Whether an idle pooled connection is still usable: not closed by the server, nothing unexpected waiting.
    static func isOpenAndQuiet(_ fd: Int32) -> Bool {
        Platform.poll(fd, for: .readable, timeoutMilliseconds: 0).count == 0
    }

    /// What happened after sending a request and waiting briefly for the answer.
    enum FirstBytes {
        case readable
        case pending
        case failed(TransportError)
    }

    /// Sends `request` whole, then waits up to `wait` seconds for the answer's first bytes.
    static func sendAndAwaitFirstBytes(fd: Int32, request: [UInt8], wait: Double) -> FirstBytes {
        if let error = sendAll(fd: fd, request) { return .failed(error) }
        return Platform.poll(fd, for: .readable, timeoutMilliseconds: Int32(wait * 1000)).count == 1
            ? .readable : .pending
    }

    private static func sendAll(fd: Int32, _ request: [UInt8]) -> TransportError? {
        var written = 0
        while written < request.count {
            let count = request.withUnsafeBytes { raw in
                Platform.send(fd: fd, UnsafeRawBufferPointer(rebasing: raw[written...]))
            }
            if count < 0 && Platform.lastError == Platform.ErrorCode.interrupted { continue }
            guard count > 0 else { return .connectionLost("the connection closed while sending") }
            written += count
        }
        return nil
    }

    /// Sends `request` (unless already sent: nil) and reads one response, within `timeout` seconds of silence.
    /// Returns the response with whether the connection may be reused.
    static func exchange(fd: Int32, request: [UInt8]?, timeout: Double) -> Result<(APIResponse, Bool), TransportError> {
        Platform.setReceiveTimeout(fd, seconds: timeout)
        if let request, let error = sendAll(fd: fd, request) { return .failure(error) }
        var reader = HTTPResponseReader()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            switch reader.parse() {
            case .complete(let response, let keepAlive): return .success((response, keepAlive))
            case .invalid(let reason): return .failure(.connectionLost("unreadable HTTP response: \(reason)"))
            case .needMore: break
            }
            let count = buffer.withUnsafeMutableBytes { Platform.receive(fd: fd, into: $0) }
            if count < 0 && Platform.lastError == Platform.ErrorCode.interrupted { continue }
            if count < 0 && Platform.lastErrorIsWouldBlock { return .failure(.timedOut) }
            if count <= 0 {
                if let response = reader.finishAtEndOfStream() { return .success((response, false)) }
                return .failure(.connectionLost("the connection closed before the response was complete"))
            }
            reader.append(buffer[0..<count])
        }
    }
}
