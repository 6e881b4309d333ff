#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization

extension Platform {
    /// Which step of opening a listening socket failed, and the system's reason.
    package struct ListenFailure: Error, Sendable {
        package enum Step: Sendable { case resolve, socket, bind, listen }
        package let step: Step
        package let reason: String
    }

    /// A listening TCP socket (close-on-exec, `SO_REUSEADDR`) on the first address of `host:port` that binds.
    package static func listen(host: String, port: UInt16) -> Result<Int32, ListenFailure> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            return .failure(ListenFailure(step: .resolve, reason: String(cString: gai_strerror(status))))
        }
        defer { freeaddrinfo(list) }
        var lastError = ListenFailure(step: .bind, reason: "no usable address")
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else {
                lastError = ListenFailure(step: .socket, reason: lastErrorDescription())
                continue
            }
            setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1)
            guard bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
                lastError = ListenFailure(step: .bind, reason: lastErrorDescription())
                Glibc.close(fd)
                continue
            }
            guard Glibc.listen(fd, SOMAXCONN) == 0 else {
                lastError = ListenFailure(step: .listen, reason: lastErrorDescription())
                Glibc.close(fd)
                continue
            }
            return .success(fd)
        }
        return .failure(lastError)
    }

    /// The port a bound socket actually uses (the system's choice after binding port 0); 0 when unknown.
    package static func boundPort(of fd: Int32) -> UInt16 {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard result == 0 else { return 0 }
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
            }
        case AF_INET6:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin6_port) }
            }
        default:
            return 0
        }
    }

    /// Opens a TCP connection (`TCP_NODELAY`) to `host:port` within `timeout` seconds in all: the name's lookup
    /// (through `resolver`, `getaddrinfo` by default), then each address in turn with the time left.
    /// - Returns: the blocking descriptor, or the reason: `cannot resolve <host>`, or the last address's failure.
    package static func connect(host: String, port: Int, timeout: Double,
                                resolver: @escaping @Sendable (String, Int) -> [SocketAddress]? = lookUp)
        -> Result<Int32, ConnectFailure>
    {
        let deadline = monotonicSeconds() + timeout
        let addresses: [SocketAddress]
        switch resolve(host, port: port, timeout: timeout, resolver: resolver) {
        case .success(let found): addresses = found
        case .failure(let failure): return .failure(failure)
        }
        var lastError = "no address for \(host)"
        for address in addresses {
            let left = deadline - monotonicSeconds()
            guard left > 0 else {
                return .failure(ConnectFailure(reason: "cannot connect to \(host):\(port) within \(timeout) s"))
            }
            let fd = socket(address.family, address.socketType, address.protocolNumber)
            guard fd >= 0 else { continue }
            let connected = address.bytes.withUnsafeBytes { raw in
                connect(fd, raw.baseAddress?.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count),
                        timeout: left)
            }
            if connected {
                setNoDelay(fd)
                return .success(fd)
            }
            lastError = "cannot connect to \(host):\(port): \(lastErrorDescription())"
            Glibc.close(fd)
        }
        return .failure(ConnectFailure(reason: lastError))
    }

    /// One address of a name, copied out of `getaddrinfo`'s list.
    package struct SocketAddress: Sendable {
        package let family: Int32
        package let socketType: Int32
        package let protocolNumber: Int32
        /// The `sockaddr` itself.
        package let bytes: [UInt8]
    }

    /// The stream addresses of `host:port` by `getaddrinfo`; nil when the name does not resolve.
    package static func lookUp(_ host: String, _ port: Int) -> [SocketAddress]? {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, list != nil else { return nil }
        defer { freeaddrinfo(list) }
        var addresses: [SocketAddress] = []
        var cursor = list
        while let info = cursor {
            cursor = info.pointee.ai_next
            guard let address = info.pointee.ai_addr else { continue }
            let bytes = [UInt8](UnsafeRawBufferPointer(start: address, count: Int(info.pointee.ai_addrlen)))
            addresses.append(SocketAddress(family: info.pointee.ai_family, socketType: info.pointee.ai_socktype,
                                           protocolNumber: info.pointee.ai_protocol, bytes: bytes))
        }
        return addresses
    }

    /// `resolver(host, port)`, waited for `timeout` seconds at most. A lookup has no deadline of its own (a resolver
    /// that does not answer holds `getaddrinfo` for its own timeouts, 10 s and more), so it runs as a job of its
    /// own; one that overruns finishes on its thread later, and its answer is dropped.
    private static func resolve(_ host: String, port: Int, timeout: Double,
                                resolver: @escaping @Sendable (String, Int) -> [SocketAddress]?)
        -> Result<[SocketAddress], ConnectFailure>
    {
        let lookup = LookupOutcome()
        BlockingExecutor.shared.submit {
            lookup.set(resolver(host, port))
        }
        guard lookup.done.wait(timeout: .now() + max(0.001, timeout)) == .success else {
            return .failure(ConnectFailure(reason: "cannot resolve \(host): no answer within \(timeout) s"))
        }
        guard let addresses = lookup.value, !addresses.isEmpty else {
            return .failure(ConnectFailure(reason: "cannot resolve \(host)"))
        }
        return .success(addresses)
    }

    /// What a lookup found, handed from its thread to the one waiting for it.
    private final class LookupOutcome: Sendable {
        let done = DispatchSemaphore(value: 0)
        private let found = Mutex<[SocketAddress]?>(nil)

        func set(_ addresses: [SocketAddress]?) {
            found.withLock { $0 = addresses }
            done.signal()
        }

        var value: [SocketAddress]? { found.withLock { $0 } }
    }

    /// Why ``connect(host:port:timeout:resolver:)`` failed, for people.
    package struct ConnectFailure: Error, Sendable {
        package let reason: String
    }

    private static func connect(_ fd: Int32, _ address: UnsafePointer<sockaddr>?, _ length: socklen_t,
                                timeout: Double) -> Bool {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        defer { _ = fcntl(fd, F_SETFL, flags) }
        if Glibc.connect(fd, address, length) == 0 { return true }
        guard errno == EINPROGRESS else { return false }
        var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        guard Glibc.poll(&poller, 1, Int32(max(1, timeout * 1000))) == 1 else {
            errno = ETIMEDOUT
            return false
        }
        var error: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size)
        errno = error
        return error == 0
    }

    /// `accept(2)`: the new descriptor, or -1 with ``lastError`` set.
    package static func accept(_ listener: Int32) -> Int32 {
        Glibc.accept(listener, nil, nil)
    }

    /// `send(2)` with `MSG_NOSIGNAL` (a gone peer is an EPIPE error, never a SIGPIPE): the count sent, or -1.
    package static func send(fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
        Glibc.send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
    }

    /// `recv(2)` into `buffer`: the count received, 0 on an orderly close, or -1 with ``lastError`` set.
    package static func receive(fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        recv(fd, buffer.baseAddress, buffer.count, 0)
    }

    /// Shuts both directions of a socket down, waking any thread blocked on it.
    package static func shutdown(_ fd: Int32) {
        _ = Glibc.shutdown(fd, Int32(SHUT_RDWR))
    }

    /// Turns off Nagle's algorithm (`TCP_NODELAY`), ignoring failure.
    package static func setNoDelay(_ fd: Int32) {
        setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
    }

    /// Makes blocking reads on `fd` give up after `seconds` of silence (`SO_RCVTIMEO`), ignoring failure. At least
    /// 1 ms: a zero `timeval` would mean no timeout at all.
    package static func setReceiveTimeout(_ fd: Int32, seconds: Double) {
        var timeout = timeval(seconds: seconds)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Makes blocking writes on `fd` give up after `seconds` (`SO_SNDTIMEO`), ignoring failure. At least 1 ms, as
    /// for reads.
    package static func setSendTimeout(_ fd: Int32, seconds: Double) {
        var timeout = timeval(seconds: seconds)
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    private static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32) {
        var value = value
        _ = setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
    }
}

extension timeval {
    /// `seconds` (at least 1 ms) as a `timeval`.
    fileprivate init(seconds: Double) {
        let seconds = max(0.001, seconds)
        self.init(tv_sec: Int(seconds), tv_usec: Int((seconds - seconds.rounded(.down)) * 1e6))
    }
}
