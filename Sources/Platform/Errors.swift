#if canImport(Glibc)
import Glibc
#endif

extension Platform {
    /// The errno codes callers tell apart.
    package enum ErrorCode {
        package static let interrupted = EINTR
        package static let brokenPipe = EPIPE
        package static let inputOutput = EIO
        package static let noSuchFile = ENOENT
        package static let tooManyLinks = ELOOP
        package static let exists = EEXIST
        package static let connectionAborted = ECONNABORTED
        package static let protocolError = EPROTO
        package static let tooManyFiles = EMFILE
        package static let tooManyFilesInSystem = ENFILE
        package static let noBuffers = ENOBUFS
        package static let noMemory = ENOMEM
    }

    /// The calling thread's errno.
    package static var lastError: Int32 { errno }

    /// Whether the last call failed with EAGAIN or EWOULDBLOCK.
    package static var lastErrorIsWouldBlock: Bool { errno == EAGAIN || errno == EWOULDBLOCK }

    /// The system's text for `code` (strerror).
    package static func errorDescription(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    /// The system's text for the calling thread's errno.
    package static func lastErrorDescription() -> String {
        String(cString: strerror(errno))
    }
}
