import Digest
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The per-user directory where `duvo` processes of one user meet: the shared simulator's state, the rate budget
/// shared by processes on one key, the sweep lease.
///
/// `$XDG_RUNTIME_DIR/duvo` when that variable names an absolute path, else `/tmp/duvo-<uid>`. It is created with mode
/// 0700 and refused when another user owns it or when others may read or write it, since what is inside decides
/// who may spend a key's allowance. Nothing in it holds a secret: name things by ``keyedName(_:)``.
public struct RuntimeDirectory: Sendable, Hashable {
    /// The directory's absolute path.
    public let path: String

    /// Opens a directory at `path`, creating it (and, for the default location, nothing above it) with mode 0700.
    /// - Throws: ``RuntimeDirectoryError`` when it cannot be created or is not safely this user's.
    public init(path: String) throws(RuntimeDirectoryError) {
        self.path = path
        try Self.ensurePrivate(path)
    }

    /// The default location for this user: `$XDG_RUNTIME_DIR/duvo`, else `/tmp/duvo-<uid>`.
    /// - Parameter environment: the process environment (`DUVO_RUNTIME_DIR` overrides both, for tests and for
    ///   separating "machines" on one host).
    public static func defaultPath(environment: [String: String]) -> String {
        if let explicit = environment["DUVO_RUNTIME_DIR"], explicit.hasPrefix("/") { return explicit }
        if let xdg = environment["XDG_RUNTIME_DIR"], xdg.hasPrefix("/") {
            return (xdg.hasSuffix("/") ? String(xdg.dropLast()) : xdg) + "/duvo"
        }
        return "/tmp/duvo-\(getuid())"
    }

    /// Opens this user's default runtime directory.
    /// - Throws: ``RuntimeDirectoryError`` as ``init(path:)``.
    public static func current(environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(RuntimeDirectoryError) -> RuntimeDirectory
    {
        try RuntimeDirectory(path: defaultPath(environment: environment))
    }

    /// The path of `name` inside the directory.
    public func file(_ name: String) -> String { path + "/" + name }

    /// A file name derived from secrets (a key, a base URL) without revealing them: a hex SHA-256 of the parts,
    /// keyed with a fixed label, shortened to 16 bytes.
    public static func keyedName(_ parts: String...) -> String {
        var digest = SHA256()
        digest.update(Array("duvo-bridge/runtime/v1".utf8))
        for part in parts {
            digest.update([0])
            digest.update(Array(part.utf8))
        }
        return Hex.encode(digest.finalize().prefix(16))
    }

    /// Removes coordination files (`budget-*`, `sweep-*`) nobody changed for `age` seconds: every process on a new
    /// key or base URL (each `--simulate` has its own) adds a few, and their content is stale after a minute anyway.
    /// - Returns: how many files were removed.
    @discardableResult
    public func prune(olderThan age: Double) -> Int {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            return 0  // nothing to tidy in a directory that cannot be listed; the next start tries again
        }
        let cutoff = time(nil) - Int(age)
        var removed = 0
        for name in names where name.hasPrefix("budget-") || name.hasPrefix("sweep-") {
            var info = stat()
            if lstat(file(name), &info) == 0, info.st_mtim.tv_sec < cutoff, unlink(file(name)) == 0 { removed += 1 }
        }
        return removed
    }

    private static func ensurePrivate(_ path: String) throws(RuntimeDirectoryError) {
        if mkdir(path, 0o700) != 0, errno != EEXIST {
            throw .cannotCreate(path: path, reason: String(cString: strerror(errno)))
        }
        var info = stat()
        guard lstat(path, &info) == 0 else {
            throw .cannotCreate(path: path, reason: String(cString: strerror(errno)))
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { throw .notADirectory(path: path) }
        guard info.st_uid == getuid() else { throw .ownedByAnotherUser(path: path, owner: info.st_uid) }
        if info.st_mode & 0o077 != 0 {
            // Our own directory with loose permissions (made by hand, or by an old umask): tighten it.
            guard chmod(path, 0o700) == 0 else {
                throw .tooOpen(path: path, mode: UInt32(info.st_mode & 0o777))
            }
        }
    }
}

/// Why the runtime directory cannot be used.
public enum RuntimeDirectoryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `mkdir` or `stat` failed.
    case cannotCreate(path: String, reason: String)
    /// Something other than a directory (a symlink, a file) sits at the path.
    case notADirectory(path: String)
    /// Another user owns the directory: using it would let them spend or starve this user's allowance.
    case ownedByAnotherUser(path: String, owner: UInt32)
    /// Others may read or write it and it could not be tightened.
    case tooOpen(path: String, mode: UInt32)

    public var description: String {
        switch self {
        case .cannotCreate(let path, let reason):
            "cannot create the runtime directory \(path): \(reason); set XDG_RUNTIME_DIR to a directory you own"
        case .notADirectory(let path):
            "the runtime directory \(path) is not a directory (a link or a file sits there); remove it or set "
                + "XDG_RUNTIME_DIR"
        case .ownedByAnotherUser(let path, let owner):
            "refusing the runtime directory \(path): it belongs to uid \(owner), not to you (uid \(getuid())); "
                + "remove it or set XDG_RUNTIME_DIR to a directory of your own"
        case .tooOpen(let path, let mode):
            "refusing the runtime directory \(path): mode \(String(mode, radix: 8)) lets other users in and it "
                + "could not be changed to 0700"
        }
    }
}
