import Platform
import Time

/// The exclusive `flock` of the runtime directory's shared files (budget ledger, sweep lease and results).
enum Flock {
    /// Takes the exclusive lock on `fd`, polling so that a stopped holder costs at most `timeout` seconds (the kernel
    /// drops a dead holder's lock by itself).
    /// - Throws: ``CoordinationError/file(path:reason:)`` naming `path` when the lock cannot be taken in time.
    static func acquire(_ fd: Int32, path: String, timeout: Double) throws(CoordinationError) {
        let deadline = MonotonicClock.now() + timeout
        var pause: UInt32 = 50
        while Platform.tryLockExclusive(fd) != 0 {
            guard Platform.lastErrorIsWouldBlock || Platform.lastError == Platform.ErrorCode.interrupted else {
                throw .file(path: path, reason: "cannot lock: \(Platform.lastErrorDescription())")
            }
            guard MonotonicClock.now() < deadline else {
                throw .file(path: path, reason: "another process has held the lock for over \(timeout) s")
            }
            Platform.sleep(microseconds: pause)
            pause = min(pause * 2, 5_000)
        }
    }
}
