import Foundation
import JSONCore
#if canImport(Glibc)
import Glibc
#endif

/// Sweep leadership and results in the runtime directory, for the processes of this user on this machine.
///
/// The lease file holds the holder's random token, its pid and the lease's expiry on `CLOCK_MONOTONIC`; it is changed
/// only under the file's lock. A lease whose pid no longer exists is free at once (a SIGKILLed leader), one that
/// expired is free too (a stopped one). Results are one JSON file replaced whole by rename.
public final class FileSweepCoordinator: SweepCoordinator {
    private let lease: LockedFile
    private let results: LockedFile
    private let token: String
    private let pid = getpid()

    /// The lease and results for `name` (a ``RuntimeDirectory/keyedName(_:)`` of key, base URL and team).
    /// - Parameter participant: this process's id in the lease and in published snapshots.
    public init(directory: RuntimeDirectory, name: String, participant: String) {
        lease = LockedFile(path: directory.file("sweep-" + name + ".lease"))
        results = LockedFile(path: directory.file("sweep-" + name + ".results"))
        token = participant
    }

    public var label: String { "the runtime directory's sweep lease" }

    public func acquireOrRenew(lifetime: Double) throws(CoordinationError) -> Bool {
        try lease.update { text in
            let now = MonotonicClock.now()
            let holder = Holder(text: text)
            if let holder, holder.token != token, holder.expires > now, Self.isAlive(holder.pid) { return false }
            text = Holder(token: token, pid: pid, expires: now + lifetime).text
            return true
        }
    }

    public func release() throws(CoordinationError) {
        try lease.update { text in
            if Holder(text: text)?.token == token { text = "" }
        }
    }

    public func publish(_ snapshot: SweepSnapshot) throws(CoordinationError) {
        let text = String(decoding: JSONWriter().bytes(snapshot.json), as: UTF8.self)
        try results.update { $0 = text }
    }

    public func latest() throws(CoordinationError) -> SweepSnapshot? {
        let text = try results.read()
        guard !text.isEmpty else { return nil }
        do {
            return SweepSnapshot(json: try JSONParser().parse(text))
        } catch {
            throw .file(path: results.path, reason: "unreadable sweep results: \(error)")
        }
    }

    /// Whether a process with `pid` exists (EPERM: it exists but is another user's, which the directory rules out).
    private static func isAlive(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }

    /// The lease file's one line: `holder <token> <pid> <expires>`.
    private struct Holder {
        let token: String
        let pid: Int32
        let expires: Double

        init(token: String, pid: Int32, expires: Double) {
            self.token = token
            self.pid = pid
            self.expires = expires
        }

        init?(text: String) {
            let fields = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
            guard fields.count == 4, fields[0] == "holder", let pid = Int32(fields[2]),
                  let expires = Double(fields[3]) else { return nil }
            self.init(token: String(fields[1]), pid: pid, expires: expires)
        }

        var text: String { "holder \(token) \(pid) \(expires)\n" }
    }
}
