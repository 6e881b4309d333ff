#if canImport(Glibc)
import Glibc
#endif

/// The exclusive `flock` of the runtime directory's shared files (budget ledger, sweep lease and results).
enum Flock {
    /// Takes the exclusive lock on `fd`, polling so that a stopped holder costs at most `timeout` seconds (the kernel
    /// drops a dead holder's lock by itself).
    /// - Throws: ``CoordinationError/file(path:reason:)`` naming `path` when the lock cannot be taken in time.
    static func acquire(_ fd: Int32, path: String, timeout: Double) throws(CoordinationError) {
        let deadline = MonotonicClock.now() + timeout
        var pause: UInt32 = 50
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                throw .file(path: path, reason: "cannot lock: \(String(cString: strerror(errno)))")
            }
            guard MonotonicClock.now() < deadline else {
                throw .file(path: path, reason: "another process has held the lock for over \(timeout) s")
            }
            usleep(pause)
            pause = min(pause * 2, 5_000)
        }
    }
}
