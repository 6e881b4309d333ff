import Platform

/// Recognising the shared simulator's process before signalling it: `sim.json` only names a pid, and a pid named
/// by a file is not proof of anything (a leftover file, a reused pid).
extension SharedSimulator {
    /// Why `pid` is not the simulator of this runtime directory, or nil when it is: a process of this user whose
    /// command line is `duvo sim serve-shared ...` and that holds this directory's `sim.alive` lock.
    func impostorReason(pid: Int32, aliveLock: FileLock) -> String? {
        guard pid > 1 else { return "pid \(pid) cannot be a simulator" }
        guard let owner = Platform.processOwner(pid) else { return "no process has pid \(pid)" }
        guard owner == Platform.effectiveUserID() else { return "pid \(pid) belongs to uid \(owner), not to you" }
        // Bounded: only the first words matter.
        let arguments = Platform.commandLine(of: pid, limit: 4096)
        guard arguments.count >= 3, arguments[1] == "sim", arguments[2] == "serve-shared" else {
            let shown = arguments.prefix(3).joined(separator: " ")
            return "pid \(pid) is not a shared simulator (it runs '\(shown.prefix(80))')"
        }
        guard let inode = aliveLock.inode, Platform.holdsFileLock(pid: pid, inode: inode) else {
            return "pid \(pid) is a shared simulator, but not this directory's (it does not hold \(aliveLockPath))"
        }
        return nil
    }
}
