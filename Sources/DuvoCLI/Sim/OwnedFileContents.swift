import KeyCoordination
import Platform

/// Whole small files of the runtime directory (`sim.json`), read and written through ``OwnedFile``.
enum OwnedFileContents {
    /// Why a file could not be read or written.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The bytes of `path`, or nil when there is no such file.
    /// - Throws: ``Failure`` when it is not this user's private regular file, is larger than `limit` bytes, or
    ///   cannot be read.
    static func read(_ path: String, limit: Int) throws(Failure) -> [UInt8]? {
        do {
            return try OwnedFile.contents(of: path, limit: limit)
        } catch {
            throw Failure(description: error.description)
        }
    }

    /// Writes `bytes` to a new file at `path` (mode 0600). Whatever sat there (a stale file of a crashed writer with
    /// the same pid, or a link) is removed first, never written through.
    /// - Throws: ``Failure`` when it cannot be created or written.
    static func write(_ bytes: [UInt8], to path: String) throws(Failure) {
        Platform.unlink(path)
        let fd: Int32
        do {
            fd = try OwnedFile.open(
                path, flags: Platform.OpenFlag.writeOnly | Platform.OpenFlag.create | Platform.OpenFlag.exclusive)
        } catch {
            throw Failure(description: error.description)
        }
        defer { Platform.close(fd) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Platform.write(fd: fd, $0) }
            if written < 0 && Platform.lastError == Platform.ErrorCode.interrupted { continue }
            guard written > 0 else {
                let reason = Platform.lastErrorDescription()
                Platform.unlink(path)
                throw Failure(description: "cannot write \(path): \(reason)")
            }
            offset += written
        }
    }
}
