import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The blocking socket calls behind ``SocketHTTPTransport``: connect with a deadline, and one request/response exchange.
enum SocketIO {
    /// Opens a TCP connection to `host:port`, trying each address, within `timeout` seconds.
    static func connect(host: String, port: Int, timeout: Double) throws(TransportError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw .connectFailed("cannot resolve \(host)")
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address for \(host)"
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            cursor = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            guard fd >= 0 else { continue }
            if connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen, timeout: timeout) {
                var one: Int32 = 1
                setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                return fd
            }
            lastError = "cannot connect to \(host):\(port): \(String(cString: strerror(errno)))"
            close(fd)
        }
        throw .connectFailed(lastError)
    }

    private static func connect(_ fd: Int32, _ address: UnsafeMutablePointer<sockaddr>?, _ length: socklen_t,
                                timeout: Double) -> Bool {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        defer { _ = fcntl(fd, F_SETFL, flags) }
        if Glibc.connect(fd, address, length) == 0 { return true }
        guard errno == EINPROGRESS else { return false }
        var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        guard poll(&poller, 1, Int32(max(1, timeout * 1000))) == 1 else {
            errno = ETIMEDOUT
            return false
        }
        var error: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size)
        errno = error
        return error == 0
    }

    /// Whether an idle pooled connection is still usable: not closed by the server, nothing unexpected waiting.
    static func isOpenAndQuiet(_ fd: Int32) -> Bool {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&poller, 1, 0) == 0
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
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&poller, 1, Int32(wait * 1000)) == 1 ? .readable : .pending
    }

    private static func sendAll(fd: Int32, _ request: [UInt8]) -> TransportError? {
        var written = 0
        while written < request.count {
            let count = request.withUnsafeBytes { raw in
                Glibc.send(fd, raw.baseAddress.map { $0 + written }, raw.count - written, Int32(MSG_NOSIGNAL))
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return .connectionLost("the connection closed while sending") }
            written += count
        }
        return nil
    }

    /// Sends `request` (unless already sent: nil) and reads one response, within `timeout` seconds of silence.
    /// Returns the response with whether the connection may be reused.
    static func exchange(fd: Int32, request: [UInt8]?, timeout: Double) -> Result<(APIResponse, Bool), TransportError> {
        var interval = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - floor(timeout)) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
        if let request, let error = sendAll(fd: fd, request) { return .failure(error) }
        var reader = HTTPResponseReader()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            switch reader.parse() {
            case .complete(let response, let keepAlive): return .success((response, keepAlive))
            case .invalid(let reason): return .failure(.connectionLost("unreadable HTTP response: \(reason)"))
            case .needMore: break
            }
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return .failure(.timedOut) }
            if count <= 0 {
                if let response = reader.finishAtEndOfStream() { return .success((response, false)) }
                return .failure(.connectionLost("the connection closed before the response was complete"))
            }
            reader.append(buffer[0..<count])
        }
    }
}
