import Platform

/// Starts a program in a session of its own, so it outlives the command that started it and no terminal signal
/// (Ctrl-C, a closed window) reaches it: the shared simulator's launcher.
enum DetachedProcess {
    /// Why the program could not be started.
    struct SpawnError: Error, CustomStringConvertible {
        let description: String
    }

    /// Spawns `executable` with `arguments` and `environment` in a new session: stdin from /dev/null, stdout on
    /// `outputFD`, stderr on `logFD` (opened by the caller, who checked what it is), every other descriptor closed,
    /// signals at their defaults.
    /// - Returns: the child's pid.
    /// - Throws: ``SpawnError`` with the reason from `posix_spawn`.
    static func spawn(_ executable: String, arguments: [String], environment: [String: String], outputFD: Int32,
                      logFD: Int32) throws(SpawnError) -> Int32 {
        switch Platform.spawnDetached(
            executable, arguments: arguments, environment: environment, outputFD: outputFD, logFD: logFD)
        {
        case .success(let pid): return pid
        case .failure(let failure): throw SpawnError(description: failure.reason)
        }
    }
}
