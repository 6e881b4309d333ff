import Dispatch
import Foundation
import KeyCoordination
import Platform
import Synchronization

/// An advisory lock on a file (`flock`), held until ``unlock()`` or until the holder exits: the kernel releases it
/// when the process dies, so a crashed holder never leaves a stale lock.
final class FileLock: Sendable {
    /// The open descriptor (close-on-exec, so a spawned child never inherits the lock).
    private let fd: Int32
    /// Set when a timed ``lock(waitingUpTo:)`` gave up, so its late-arriving wait lets go at once.
    private let abandoned = Mutex(false)

    /// Opens (creating, mode 0600) the lock file at `path` with ``OwnedFile``: a link or another user's file
    /// planted there is refused, never locked or created through.
    /// - Throws: ``SharedSimulatorError/runtime(_:)`` when it cannot be opened or is not this user's own file.
    init(path: String) throws(SharedSimulatorError) {
        do {
            fd = try OwnedFile.open(path, flags: Platform.OpenFlag.readWrite | Platform.OpenFlag.create)
        } catch {
            throw .runtime(error.description)
        }
    }

    /// The lock file's inode, to recognise its holder in `/proc/locks`.
    var inode: UInt64? {
        Platform.status(fd: fd)?.inode
    }

    deinit { Platform.close(fd) }

    /// Takes the lock if no one holds it; returns whether it did.
    func tryLock() -> Bool {
        while true {
            if Platform.tryLockExclusive(fd) == 0 { return true }
            if Platform.lastError != Platform.ErrorCode.interrupted { return false }
        }
    }

    /// Takes the lock, waiting up to `seconds` for the holder to let go; returns whether it did.
    ///
    /// The wait is a blocking `flock` on a thread of its own (the kernel wakes it the moment the holder releases
    /// or dies); a holder that outlasts the wait leaves that thread blocked until it lets go, harmlessly.
    func lock(waitingUpTo seconds: Double) -> Bool {
        if tryLock() { return true }
        let taken = DispatchSemaphore(value: 0)
        abandoned.withLock { $0 = false }
        // A thread of its own, not a Dispatch queue: on Linux the global queues share the cooperative pool's few
        // threads, and a wait of seconds there stalls every task of the process.
        Thread.detachNewThread {
            while Platform.lockExclusive(self.fd) != 0 && Platform.lastError == Platform.ErrorCode.interrupted {}
            let late = self.abandoned.withLock { abandoned in
                if abandoned { Platform.unlock(self.fd) }
                return abandoned
            }
            if !late { taken.signal() }
        }
        if taken.wait(timeout: .now() + seconds) == .success { return true }
        // Too late: if the lock arrives from now on, the waiting thread hands it straight back.
        return abandoned.withLock { abandoned in
            if taken.wait(timeout: .now()) == .success { return true }
            abandoned = true
            return false
        }
    }

    /// Lets go of the lock.
    func unlock() {
        Platform.unlock(fd)
    }
}
