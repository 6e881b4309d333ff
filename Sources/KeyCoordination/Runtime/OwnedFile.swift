import Foundation
import Platform

/// Opening files of the runtime directory so that nothing planted there is used: no symlink is followed
/// (`O_NOFOLLOW`), and what is opened must be a regular file that this user owns, with no access for others.
///
/// Every file of the runtime directory (ledger, leases, the shared simulator's state, lock and log) is opened here.
package enum OwnedFile {
    /// Opens `path` with `flags` (`O_NOFOLLOW | O_CLOEXEC` added), creating it with mode 0600 when `flags` has
    /// `O_CREAT`, and checks what was opened.
    /// - Returns: the open descriptor; the caller closes it.
    /// - Throws: ``OwnedFileError`` when it cannot be opened or is not a private regular file of this user
    ///   (the descriptor is then closed).
    package static func open(_ path: String, flags: Int32) throws(OwnedFileError) -> Int32 {
        // Non-blocking until checked: opening a FIFO planted at the path would otherwise wait for a writer forever.
        let fd = Platform.open(path, flags: flags | Platform.OpenFlag.noFollow | Platform.OpenFlag.closeOnExec
            | Platform.OpenFlag.nonBlocking, mode: 0o600)
        guard fd >= 0 else {
            let code = Platform.lastError
            // O_NOFOLLOW on a symlink fails with ELOOP: say what it is, not "too many levels of links".
            if code == Platform.ErrorCode.tooManyLinks { throw .untrusted(path: path, reason: "it is a symbolic link") }
            throw .cannotOpen(path: path, errno: code)
        }
        guard let info = Platform.status(fd: fd) else {
            let code = Platform.lastError
            Platform.close(fd)
            throw .cannotOpen(path: path, errno: code)
        }
        if let reason = untrustedReason(info) {
            Platform.close(fd)
            throw .untrusted(path: path, reason: reason)
        }
        Platform.setBlocking(fd)
        return fd
    }

    /// The whole of `path`, at most `limit` bytes, or nil when there is no such file.
    /// - Throws: ``OwnedFileError`` when it cannot be opened or read, is not this user's private regular file, or
    ///   holds more than `limit` bytes (nothing beyond the limit is kept in memory).
    package static func contents(of path: String, limit: Int) throws(OwnedFileError) -> [UInt8]? {
        let fd: Int32
        do {
            fd = try open(path, flags: Platform.OpenFlag.readOnly)
        } catch {
            if error.errno == Platform.ErrorCode.noSuchFile { return nil }
            throw error
        }
        defer { Platform.close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = chunk.withUnsafeMutableBytes { Platform.read(fd: fd, into: $0) }
            if count < 0 && Platform.lastError == Platform.ErrorCode.interrupted { continue }
            guard count >= 0 else { throw .cannotRead(path: path, errno: Platform.lastError) }
            if count == 0 { return bytes }
            guard bytes.count + count <= limit else { throw .tooLarge(path: path, limit: limit) }
            bytes += chunk[0..<count]
        }
    }

    /// Why a file with this `stat` must not be used, or nil when it is a regular file of this user that no one else
    /// may write.
    package static func untrustedReason(_ info: Platform.FileStatus) -> String? {
        if !info.isRegularFile { return "it is not a regular file" }
        let me = Platform.effectiveUserID()
        if info.owner != me { return "it belongs to uid \(info.owner), not to you (uid \(me))" }
        if info.mode & 0o022 != 0 {
            return "others may write it (mode \(String(info.mode & 0o777, radix: 8)))"
        }
        return nil
    }
}

/// Why a file of the runtime directory was not opened.
package enum OwnedFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `open` or `fstat` failed with `errno`.
    case cannotOpen(path: String, errno: Int32)
    /// It is there but must not be trusted (a link, not a regular file, another user's, writable by others).
    case untrusted(path: String, reason: String)
    /// `read` failed with `errno`.
    case cannotRead(path: String, errno: Int32)
    /// It holds more than `limit` bytes, more than any file of ours does.
    case tooLarge(path: String, limit: Int)

    /// The `errno` of a failed open (ENOENT for a file that is not there), nil for an untrusted file.
    package var errno: Int32? {
        if case .cannotOpen(_, let code) = self { return code }
        return nil
    }

    package var description: String {
        switch self {
        case .cannotOpen(let path, let code): "cannot open \(path): \(Platform.errorDescription(code))"
        case .untrusted(let path, let reason): "refusing \(path): \(reason)"
        case .cannotRead(let path, let code): "cannot read \(path): \(Platform.errorDescription(code))"
        case .tooLarge(let path, let limit): "\(path) is larger than \(limit) bytes"
        }
    }
}
