import Foundation
import JSONCore
import Platform
import Time

/// Sweep leadership and results in the runtime directory, for the processes of this user on this machine.
///
/// The lease file holds the holder's random token, its pid, the lease's expiry on `CLOCK_MONOTONIC` and the boot that
/// clock belongs to; it is changed only under the file's lock. A lease whose pid no longer exists is free at once (a
/// SIGKILLed leader), one that expired is free too (a stopped one), and so is one that cannot be real: written on
/// another boot (its pid is some other process now), or expiring further ahead than the term asked for. Results are
/// one JSON file replaced whole by rename.
package final class FileSweepCoordinator: SweepCoordinator {
    private let lease: LockedFile
    private let results: LockedFile
    private let token: String
    private let pid = Platform.processID()
    private let boot: BootID
    private let clock: any TimeSource

    /// The lease and results for `name` (a ``RuntimeDirectory/keyedName(_:)`` of key, base URL and team).
    /// - Parameter participant: this process's id in the lease and in published snapshots.
    /// - Parameter clock: the system's (whose monotonic time every process of the boot shares), but for tests.
    package convenience init(directory: RuntimeDirectory, name: String, participant: String,
                             clock: any TimeSource = SystemTimeSource()) {
        self.init(directory: directory, name: name, participant: participant, boot: .current, clock: clock)
    }

    /// As above, with `boot` as the boot whose clock the lease's expiry is on (this one, but for tests).
    package init(directory: RuntimeDirectory, name: String, participant: String, boot: BootID,
                 clock: any TimeSource = SystemTimeSource()) {
        lease = LockedFile(path: directory.file("sweep-" + name + ".lease"))
        results = LockedFile(path: directory.file("sweep-" + name + ".results"))
        token = participant
        self.boot = boot
        self.clock = clock
    }

    package var label: String { "the runtime directory's sweep lease" }

    package func acquireOrRenew(lifetime: Double) async throws(CoordinationError) -> Bool {
        try await lease.update { [token, pid, boot, clock] text in
            let now = clock.now()
            let holder = Holder(text: text)
            // One second of slack for a holder whose term was read from its clock a moment after ours.
            if let holder, holder.token != token, holder.boot == boot, holder.expires > now,
               holder.expires <= now + lifetime + 1, Self.isAlive(holder.pid) {
                return false
            }
            text = Holder(token: token, pid: pid, expires: now + lifetime, boot: boot).text
            return true
        }
    }

    package func release() async throws(CoordinationError) {
        try await lease.update { [token] text in
            if Holder(text: text)?.token == token { text = "" }
        }
    }

    package func publish(_ snapshot: SweepSnapshot) async throws(CoordinationError) {
        let text = String(decoding: JSONWriter().bytes(snapshot.json), as: UTF8.self)
        try await results.update { $0 = text }
    }

    package func latest() async throws(CoordinationError) -> SweepSnapshot? {
        let text = try await results.read()
        guard !text.isEmpty else { return nil }
        do {
            return SweepSnapshot(json: try JSONParser().parse(text))
        } catch {
            throw .file(path: results.path, reason: "unreadable sweep results: \(error)")
        }
    }

    /// Whether a process with `pid` exists (EPERM: it exists but is another user's, which the directory rules out).
    private static func isAlive(_ pid: Int32) -> Bool {
        Platform.processExists(pid)
    }

    /// The lease file's one line: `holder <token> <pid> <expires> <boot id>` (a line without the boot id, from an
    /// older version, holds nothing).
    private struct Holder {
        let token: String
        let pid: Int32
        let expires: Double
        let boot: BootID

        init(token: String, pid: Int32, expires: Double, boot: BootID) {
            self.token = token
            self.pid = pid
            self.expires = expires
            self.boot = boot
        }

        init?(text: String) {
            let fields = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
            // A pid of 0 or below would make `kill` probe a whole process group.
            guard fields.count == 5, fields[0] == "holder", let pid = Int32(fields[2]), pid > 0,
                  let expires = Double(fields[3]), expires.isFinite, let boot = BootID(text: fields[4])
            else { return nil }
            self.init(token: String(fields[1]), pid: pid, expires: expires, boot: boot)
        }

        var text: String { "holder \(token) \(pid) \(expires) \(boot.text)\n" }
    }
}
