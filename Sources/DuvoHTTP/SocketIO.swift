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
            guard count > 0 else { return .connectionLost("the connection closed while sending") }
            written += count
        }
        return nil
    }

    /// Sends `request` (unless already sent: nil) and reads one response, within `timeout` seconds of silence
    /// (`timeoutIsSet`: a pooled socket that already has it). Returns the response with whether the connection may
    /// be reused.
    static func exchange(fd: Int32, request: [UInt8]?, timeout: Double, timeoutIsSet: Bool)
        -> Result<(APIResponse, Bool), TransportError>
    {
        if !timeoutIsSet { Platform.setReceiveTimeout(fd, seconds: timeout) }
        if let request, let error = sendAll(fd: fd, request) { return .failure(error) }
        var reader = HTTPResponseReader()
        // Allocated, not zero-filled (64 KiB per call otherwise): only the bytes `recv` wrote are ever read.
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 1)
        defer { buffer.deallocate() }
        while true {
            switch reader.parse() {
            case .complete(let response, let keepAlive): return .success((response, keepAlive))
            case .invalid(let reason): return .failure(.connectionLost("unreadable HTTP response: \(reason)"))
            case .needMore: break
            }
            let count = Platform.receive(fd: fd, into: buffer)
            if count < 0 && Platform.lastError == Platform.ErrorCode.interrupted { continue }
            if count < 0 && Platform.lastErrorIsWouldBlock { return .failure(.timedOut) }
            if count <= 0 {
                if let response = reader.finishAtEndOfStream() { return .success((response, false)) }
                return .failure(.connectionLost("the connection closed before the response was complete"))
            }
            reader.append(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
    }
}
