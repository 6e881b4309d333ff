import Foundation
import Synchronization
import Platform

/// A small state file of the runtime directory, changed only under an exclusive `flock` on a companion lock file and
/// replaced whole by `rename`, so a reader never sees half a write.
///
/// The kernel drops a `flock` when its holder dies, so a process killed mid-change (even by SIGKILL) blocks nobody;
/// the file it was writing is a temporary one that the next writer overwrites. A holder that is stopped but alive is
/// waited for only `lockTimeout` seconds, then the operation fails (the caller falls back to local coordination).
/// Every file is opened through ``OwnedFile`` (no link followed, this user's regular files only), and one larger than
/// ``maxBytes`` is not read.
final class LockedFile: Sendable {
    /// The most a state file may hold: far more than a lease or a sweep's results, and a bound on what a file
    /// planted or grown by anyone else costs in memory.
    static let maxBytes = 16 << 20

    /// The state file's path.
    let path: String
    private let lockPath: String
    private let lockTimeout: Double
    /// The open lock file (one per process); also serialises this process's threads, which `flock` alone does not.
    private let lock = Mutex<Int32>(-1)
    private let queue = FileQueue(label: "state")

    /// The state file `path`, locked through `path + ".lock"`.
    init(path: String, lockTimeout: Double = 2) {
        self.path = path
        lockPath = path + ".lock"
        self.lockTimeout = lockTimeout
    }

    deinit {
        let fd = lock.withLock { $0 }
        if fd >= 0 { Platform.close(fd) }
    }

    /// Reads the file (empty when absent), lets `change` edit its text, writes the result back when it differs, and
    /// returns what `change` returned; all under the lock.
    /// - Throws: ``CoordinationError/file(path:reason:)`` when the lock cannot be taken in time or I/O fails.
    func update<T: Sendable>(_ change: @escaping @Sendable (inout String) -> T) async throws(CoordinationError) -> T {
        try await queue.run { () throws(CoordinationError) in try self.updateNow(change) }
    }

    /// The file's text as last written (empty when absent), read without the lock: a rename makes it whole.
    func read() async throws(CoordinationError) -> String {
        try await queue.run { () throws(CoordinationError) in try self.readNow() }
    }

    private func updateNow<T>(_ change: (inout String) -> T) throws(CoordinationError) -> T {
        try lock.withLock { fd throws(CoordinationError) -> T in
            try lockCurrentFile(&fd)
            let held = fd
            defer { Platform.unlock(held) }
            let before = try readNow()
            var text = before
            let result = change(&text)
            if text != before { try write(text) }
            return result
        }
    }

    private func readNow() throws(CoordinationError) -> String {
        do {
            return String(decoding: try OwnedFile.contents(of: path, limit: Self.maxBytes) ?? [], as: UTF8.self)
        } catch {
            throw .file(path: path, error)
        }
    }

    /// Replaces the file whole: writes a temporary file next to it, then renames it over the file.
    ///
    /// The temporary file is always made anew (under the lock, so no other writer of ours races for it): whatever
    /// is at its name, a link planted there included, is removed, never followed or written through.
    private func write(_ text: String) throws(CoordinationError) {
        let temporary = path + ".tmp"
        guard Platform.unlink(temporary) == 0 || Platform.lastError == Platform.ErrorCode.noSuchFile else {
            throw failure(temporary, "cannot remove: \(Self.lastError())")
        }
        let fd: Int32
        do {
            fd = try OwnedFile.open(
                temporary, flags: Platform.OpenFlag.writeOnly | Platform.OpenFlag.create | Platform.OpenFlag.exclusive)
        } catch {
            throw .file(path: temporary, error)
        }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Platform.write(fd: fd, $0) }
            if count < 0 && Platform.lastError == Platform.ErrorCode.interrupted { continue }
            guard count > 0 else {
                Platform.close(fd)
                throw failure(temporary, "cannot write: \(Self.lastError())")
            }
            written += count
        }
        Platform.close(fd)
        guard Platform.rename(temporary, to: path) == 0 else { throw failure(path, "cannot replace: \(Self.lastError())") }
    }

    /// Locks the file that is at `lockPath` now: a lock file pruned and made anew since it was opened (see
    /// ``RuntimeDirectory/prune(olderThan:)``) is a different inode, so the open one is swapped for it.
    private func lockCurrentFile(_ fd: inout Int32) throws(CoordinationError) {
        for _ in 0..<3 {
            if fd < 0 {
                do {
                    fd = try OwnedFile.open(lockPath, flags: Platform.OpenFlag.readWrite | Platform.OpenFlag.create)
                } catch {
                    throw .file(path: lockPath, error)
                }
            }
            try Flock.acquire(fd, path: lockPath, timeout: lockTimeout)
            if let held = Platform.status(fd: fd), let current = Platform.linkStatus(path: lockPath),
               held.inode == current.inode, held.device == current.device {
                return
            }
            Platform.unlock(fd)
            Platform.close(fd)
            fd = -1
        }
        throw failure(lockPath, "the lock file keeps being replaced")
    }

    private func failure(_ path: String, _ reason: String) -> CoordinationError { .file(path: path, reason: reason) }

    private static func lastError() -> String { Platform.lastErrorDescription() }
}
