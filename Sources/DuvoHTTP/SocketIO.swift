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

    private static func sendAll(fd: Int32, _ request: [UInt8]) -> TransportError? {
        var written = 0
        while written < request.count {
            let count = request.withUnsafeBytes { raw in
                Platform.send(fd: fd, UnsafeRawBufferPointer(rebasing: raw[written...]))
            }
            if count < 0 && Platform.lastError == Platform.ErrorCode.interrupted { continue }
            if count < 0 && Platform.lastErrorIsWouldBlock { return .timedOut }
            guard count > 0 else { return .connectionLost("the connection closed while sending") }
            written += count
        }
        return nil
    }

    /// What one exchange read: the response, whether the connection may be reused, and the receive timeout the
    /// socket has now (for the pool).
    struct Exchanged {
        let response: APIResponse
        let keepAlive: Bool
        let receiveTimeout: Double
    }

    /// Sends `request` (unless already sent: nil) and reads one response, all within `timeout` seconds
    /// (`timeoutIsSet`: a pooled socket whose timeouts are already about `timeout`). Each read waits at most
    /// what is left, so a peer that trickles its answer cannot make the exchange outlast its call's deadline.
    static func exchange(fd: Int32, request: [UInt8]?, timeout: Double, timeoutIsSet: Bool)
        -> Result<Exchanged, TransportError>
    {
        let deadline = Platform.monotonicSeconds() + timeout
        var receiveTimeout = timeout
        if !timeoutIsSet {
            Platform.setReceiveTimeout(fd, seconds: timeout)
            Platform.setSendTimeout(fd, seconds: timeout)
        }
        if let request, let error = sendAll(fd: fd, request) { return .failure(error) }
        var reader = HTTPResponseReader()
        // Allocated, not zero-filled (64 KiB per call otherwise): only the bytes `recv` wrote are ever read.
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 1)
        defer { buffer.deallocate() }
        var reads = 0
        while true {
            switch reader.parse() {
            case .complete(let response, let keepAlive):
                return .success(Exchanged(response: response, keepAlive: keepAlive, receiveTimeout: receiveTimeout))
            case .invalid(let reason): return .failure(.connectionLost("unreadable HTTP response: \(reason)"))
            case .needMore: break
            }
            if reads > 0 {
                // A response in several reads: the next waits only for what is left of the deadline.
                let left = deadline - Platform.monotonicSeconds()
                guard left > 0 else { return .failure(.timedOut) }
                Platform.setReceiveTimeout(fd, seconds: left)
                receiveTimeout = left
            }
            let count = Platform.receive(fd: fd, into: buffer)
            if count < 0 && Platform.lastError == Platform.ErrorCode.interrupted { continue }
            if count < 0 && Platform.lastErrorIsWouldBlock { return .failure(.timedOut) }
            if count < 0 {
                // A reset is no end of the body: whatever was read may be cut short.
                return .failure(.connectionLost("the connection failed: \(Platform.lastErrorDescription())"))
            }
            if count == 0 {
                if let response = reader.finishAtEndOfStream() {
                    return .success(Exchanged(response: response, keepAlive: false, receiveTimeout: receiveTimeout))
                }
                return .failure(.connectionLost("the connection closed before the response was complete"))
            }
            reads += 1
            reader.append(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
    }
}
