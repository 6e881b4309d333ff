import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Recognising the shared simulator's process before signalling it: `sim.json` only names a pid, and a pid named
/// by a file is not proof of anything (a leftover file, a reused pid).
extension SharedSimulator {
    /// Why `pid` is not the simulator of this runtime directory, or nil when it is: a process of this user whose
    /// command line is `duvo sim serve-shared ...` and that holds this directory's `sim.alive` lock.
    func impostorReason(pid: Int32, aliveLock: FileLock) -> String? {
        guard pid > 1 else { return "pid \(pid) cannot be a simulator" }
        var info = stat()
        guard stat("/proc/\(pid)", &info) == 0 else { return "no process has pid \(pid)" }
        guard info.st_uid == geteuid() else { return "pid \(pid) belongs to uid \(info.st_uid), not to you" }
        let arguments = Self.commandLine(of: pid)
        guard arguments.count >= 3, arguments[1] == "sim", arguments[2] == "serve-shared" else {
            let shown = arguments.prefix(3).joined(separator: " ")
            return "pid \(pid) is not a shared simulator (it runs '\(shown.prefix(80))')"
        }
        guard let inode = aliveLock.inode, Self.holdsLock(pid: pid, inode: inode) else {
            return "pid \(pid) is a shared simulator, but not this directory's (it does not hold \(aliveLockPath))"
        }
        return nil
    }

    /// The arguments of `pid` from `/proc/<pid>/cmdline` (empty when it cannot be read).
    private static func commandLine(of pid: Int32) -> [String] {
        // Bounded: only the first words matter.
        let data = procFile("/proc/\(pid)/cmdline", limit: 4096)
        return data.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether `/proc/locks` lists a `flock` held by `pid` on the file with `inode`.
    private static func holdsLock(pid: Int32, inode: UInt64) -> Bool {
        let data = procFile("/proc/locks", limit: 4 << 20)
        // "3: FLOCK  ADVISORY  WRITE 6502 fe:00:16220451 0 EOF"; a waiter's line starts "3: -> FLOCK ...".
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 6, fields[1] == "FLOCK", fields[4] == "\(pid)",
                  let last = fields[5].split(separator: ":").last, UInt64(last) == inode else { continue }
            return true
        }
        return false
    }

    /// Up to `limit` bytes of a file of `/proc`; empty when it cannot be read (the process is gone).
    private static func procFile(_ path: String, limit: Int) -> Data {
        guard let handle = FileHandle(forReadingAtPath: path) else { return Data() }
        defer { handle.closeFile() }
        do {
            return try handle.read(upToCount: limit) ?? Data()
        } catch {
            return Data()
        }
    }
}
