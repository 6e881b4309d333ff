#if canImport(Glibc)
import Glibc
#endif

extension Platform {
    /// Unix-domain datagram sockets: how processes of one user on one machine hand each other small messages through
    /// a directory (the webhook event bus). Each datagram arrives whole or not at all, and a full receiver makes a
    /// non-blocking send fail instead of waiting.
    package enum UnixDatagram {
        /// The longest path a socket address holds (`sun_path` less its terminating NUL).
        package static let maxPathLength = MemoryLayout<sockaddr_un>.size - MemoryLayout<sa_family_t>.size - 1

        /// The errno codes a sender tells apart.
        package enum ErrorCode {
            /// Nobody is bound at the path any more (its process ended without removing it).
            package static let refused = ECONNREFUSED
            /// The path does not exist.
            package static let noSuchFile = ENOENT
            /// The receiver's queue is full (a non-blocking send).
            package static let wouldBlock = EAGAIN
        }

        /// A failed call's errno.
        package struct Failure: Error, Sendable, Hashable {
            package let code: Int32
        }

        /// A datagram socket (close-on-exec) bound at `path`, which must not exist yet; the socket file gets mode
        /// 0600. The directory it is in must be private: the file has the process's default mode from `bind` until
        /// the `chmod` right after it (the umask is not narrowed instead, since it is the whole process's, and a
        /// folder another thread made meanwhile would lose its search bit).
        /// - Returns: the descriptor, or the errno of the failing step.
        package static func bind(path: String) -> Result<Int32, Failure> {
            guard path.utf8.count <= maxPathLength else { return .failure(Failure(code: ENAMETOOLONG)) }
            let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { return .failure(Failure(code: errno)) }
            guard withAddress(path, { address, length in Glibc.bind(fd, address, length) }) == 0 else {
                let bindError = errno
                Glibc.close(fd)
                return .failure(Failure(code: bindError))
            }
            guard chmod(path, 0o600) == 0 else {
                let modeError = errno
                Glibc.close(fd)
                Glibc.unlink(path)
                return .failure(Failure(code: modeError))
            }
            return .success(fd)
        }

        /// An unbound datagram socket (close-on-exec) for sending, or -1 with ``Platform/lastError`` set.
        package static func sender() -> Int32 {
            socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        }

        /// Sends one datagram to the socket at `path` without waiting (`MSG_DONTWAIT`).
        /// - Returns: 0, or the errno (``ErrorCode/refused`` when nobody is bound there, ``ErrorCode/wouldBlock``
        ///   when its queue is full).
        package static func send(fd: Int32, to path: String, _ bytes: [UInt8]) -> Int32 {
            guard path.utf8.count <= maxPathLength else { return ENAMETOOLONG }
            let sent = bytes.withUnsafeBytes { buffer in
                withAddress(path) { address, length in
                    sendto(fd, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL), address, length)
                }
            }
            if sent < 0 { return errno == EWOULDBLOCK ? EAGAIN : errno }
            return 0
        }

        /// Receives one datagram into `buffer`, waiting at most `timeoutMilliseconds`.
        /// - Returns: its length (a longer one is cut to the buffer's size: `truncated`), 0 when none came in
        ///   time, or -1 with ``Platform/lastError`` set.
        package static func receive(fd: Int32, into buffer: UnsafeMutableRawBufferPointer,
                                    timeoutMilliseconds: Int32) -> (count: Int, truncated: Bool) {
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = Glibc.poll(&entry, 1, timeoutMilliseconds)
            guard ready > 0 else { return (ready == 0 || errno == EINTR ? 0 : -1, false) }
            let count = recv(fd, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT | MSG_TRUNC))
            if count < 0 { return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1, false) }
            return (min(count, buffer.count), count > buffer.count)
        }

        private static func withAddress<T>(_ path: String,
                                           _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(path.utf8)
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                for (index, byte) in bytes.enumerated() where index < raw.count - 1 { raw[index] = byte }
            }
            return withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
        }
    }
}

extension Platform.FileStatus {
    /// A socket.
    package var isSocket: Bool { mode & UInt32(S_IFMT) == UInt32(S_IFSOCK) }
}
