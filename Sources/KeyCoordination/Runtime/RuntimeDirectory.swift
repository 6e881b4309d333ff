import Digest
import Foundation
import Platform

/// The per-user directory where `duvo` processes of one user meet: the shared simulator's state, the rate budget
/// shared by processes on one key, the sweep lease.
///
/// `DUVO_RUNTIME_DIR` when set, else `$XDG_RUNTIME_DIR/duvo` when that variable names an absolute path, else
/// `/tmp/duvo-<uid>`. A missing directory is created with mode 0700; an existing one is used only when it is a real
/// directory (not a link) of this user that no one else may enter: what is inside decides who may spend a key's
/// allowance and where `--simulate` traffic goes, and a directory that was open to others may hold their files.
/// Its mode is never changed: a wider one is refused with what to do. Nothing in it holds a secret of Duvo's: name
/// things by ``keyedName(_:)``, and open its files with ``OwnedFile``.
package struct RuntimeDirectory: Sendable, Hashable {
    /// The environment variable naming the directory (for tests, and for separating "machines" on one host).
    package static let variable = "DUVO_RUNTIME_DIR"

    /// The directory's absolute path.
    package let path: String

    /// Opens a directory at `path`, creating it (and nothing above it) with mode 0700.
    /// - Parameter named: whether the user named it (`DUVO_RUNTIME_DIR`): only the wording of a refusal differs.
    /// - Throws: ``RuntimeDirectoryError`` when it cannot be created or is not safely this user's.
    package init(path: String, named: Bool = false) throws(RuntimeDirectoryError) {
        self.path = path
        try Self.ensurePrivate(path, named: named)
    }

    /// The default location for this user: `$XDG_RUNTIME_DIR/duvo`, else `/tmp/duvo-<uid>`; `DUVO_RUNTIME_DIR`
    /// overrides both when it is an absolute path (``current(environment:)`` refuses a relative one).
    /// - Parameter sessionDirectory: the login session's runtime directory, which `XDG_RUNTIME_DIR` names when set.
    package static func defaultPath(environment: [String: String],
                                    sessionDirectory: String = "/run/user/\(Platform.userID())") -> String {
        if let explicit = environment[variable], explicit.hasPrefix("/") { return explicit }
        if let xdg = environment["XDG_RUNTIME_DIR"], xdg.hasPrefix("/") {
            return (xdg.hasSuffix("/") ? String(xdg.dropLast()) : xdg) + "/duvo"
        }
        // MCP stdio clients pass the server they start only a few variables (PATH, HOME, ...), not XDG_RUNTIME_DIR:
        // the session's directory, when it is there and only this user's, keeps such a server with the user's shell
        // (one shared simulator, one budget) instead of in /tmp.
        if let session = Platform.status(path: sessionDirectory), session.isDirectory,
           session.owner == Platform.userID(), session.permissions & 0o077 == 0 {
            return sessionDirectory + "/duvo"
        }
        return "/tmp/duvo-\(Platform.userID())"
    }

    /// Opens this user's runtime directory: the one `DUVO_RUNTIME_DIR` names, else the default location.
    /// - Throws: ``RuntimeDirectoryError/relative(_:)`` for a `DUVO_RUNTIME_DIR` that is not an absolute path (it
    ///   would name a different directory in every working directory); else as ``init(path:named:)``.
    package static func current(environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(RuntimeDirectoryError) -> RuntimeDirectory
    {
        if let explicit = environment[variable], !explicit.isEmpty {
            guard explicit.hasPrefix("/") else { throw .relative(explicit) }
            return try RuntimeDirectory(path: explicit, named: true)
        }
        return try RuntimeDirectory(path: defaultPath(environment: environment))
    }

    /// The path of `name` inside the directory.
    package func file(_ name: String) -> String { path + "/" + name }

    /// A file name derived from secrets (a key, a base URL) without revealing them: a hex SHA-256 of the parts,
    /// keyed with a fixed label, shortened to 16 bytes.
    package static func keyedName(_ parts: String...) -> String {
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
    package func prune(olderThan age: Double) -> Int {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            return 0  // nothing to tidy in a directory that cannot be listed; the next start tries again
        }
        let cutoff = Platform.wallSeconds() - Int(age)
        var removed = 0
        for name in names where name.hasPrefix("budget-") || name.hasPrefix("sweep-") {
            if let info = Platform.linkStatus(path: file(name)), info.modifiedSeconds < cutoff,
                Platform.unlink(file(name)) == 0
            {
                removed += 1
            }
        }
        return removed
    }

    private static func ensurePrivate(_ path: String, named: Bool) throws(RuntimeDirectoryError) {
        if Platform.makeDirectory(path, mode: 0o700) != 0, Platform.lastError != Platform.ErrorCode.exists {
            throw .cannotCreate(path: path, reason: Platform.lastErrorDescription())
        }
        guard let info = Platform.linkStatus(path: path) else {
            throw .cannotCreate(path: path, reason: Platform.lastErrorDescription())
        }
        guard info.isDirectory else { throw .notADirectory(path: path) }
        guard info.owner == Platform.effectiveUserID() else {
            throw .ownedByAnotherUser(path: path, owner: info.owner)
        }
        // Never tightened in place: files planted while it was open would stay, and a directory the user named
        // (a shared 2775 one, /tmp) is not ours to change.
        if info.mode & 0o077 != 0 {
            throw .tooOpen(path: path, mode: info.permissions, named: named)
        }
    }
}

/// Why the runtime directory cannot be used.
package enum RuntimeDirectoryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `mkdir` or `stat` failed.
    case cannotCreate(path: String, reason: String)
    /// Something other than a directory (a symlink, a file) sits at the path.
    case notADirectory(path: String)
    /// Another user owns the directory: using it would let them spend or starve this user's allowance.
    case ownedByAnotherUser(path: String, owner: UInt32)
    /// Others may enter it (group or other permission bits): whatever is in it may be theirs. `named` when
    /// `DUVO_RUNTIME_DIR` named it.
    case tooOpen(path: String, mode: UInt32, named: Bool)
    /// `DUVO_RUNTIME_DIR` is not an absolute path.
    case relative(String)

    package var description: String {
        switch self {
        case .cannotCreate(let path, let reason):
            "cannot create the runtime directory \(path): \(reason); set DUVO_RUNTIME_DIR to a directory you own"
        case .notADirectory(let path):
            "the runtime directory \(path) is not a directory (a link or a file sits there); remove it or set "
                + "DUVO_RUNTIME_DIR"
        case .ownedByAnotherUser(let path, let owner):
            "refusing the runtime directory \(path): it belongs to uid \(owner), not to you (uid \(Platform.effectiveUserID())); "
                + "remove it or set DUVO_RUNTIME_DIR to a directory of your own"
        case .tooOpen(let path, let mode, true):
            "refusing DUVO_RUNTIME_DIR=\(path): its mode \(String(mode, radix: 8)) lets other users in; name a "
                + "directory only you can enter (mode 0700; duvo does not change the mode of a directory you name)"
        case .tooOpen(let path, let mode, false):
            "refusing the runtime directory \(path): its mode \(String(mode, radix: 8)) let other users in, so "
                + "files in it may be theirs; remove it (rm -r \(path)) and duvo makes it afresh with mode 0700, "
                + "or set DUVO_RUNTIME_DIR"
        case .relative(let value):
            "refusing DUVO_RUNTIME_DIR=\(value): it must be an absolute path"
        }
    }
}
