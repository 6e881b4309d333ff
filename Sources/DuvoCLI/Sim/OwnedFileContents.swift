import DuvoAPI
#if canImport(Glibc)
import Glibc
#endif

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
        let fd: Int32
        do {
            fd = try OwnedFile.open(path, flags: O_RDONLY)
        } catch {
            if error.errno == ENOENT { return nil }
            throw Failure(description: error.description)
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = Glibc.read(fd, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else {
                throw Failure(description: "cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { return bytes }
            guard bytes.count + count <= limit else {
                throw Failure(description: "\(path) is larger than \(limit) bytes")
            }
            bytes += buffer[0..<count]
        }
    }

    /// Writes `bytes` to a new file at `path` (mode 0600). Whatever sat there (a stale file of a crashed writer with
    /// the same pid, or a link) is removed first, never written through.
    /// - Throws: ``Failure`` when it cannot be created or written.
    static func write(_ bytes: [UInt8], to path: String) throws(Failure) {
        unlink(path)
        let fd: Int32
        do {
            fd = try OwnedFile.open(path, flags: O_WRONLY | O_CREAT | O_EXCL)
        } catch {
            throw Failure(description: error.description)
        }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                let reason = String(cString: strerror(errno))
                unlink(path)
                throw Failure(description: "cannot write \(path): \(reason)")
            }
            offset += written
        }
    }
}
