#if canImport(Glibc)
import Glibc
#endif

/// Starts a program in a session of its own, so it outlives the command that started it and no terminal signal
/// (Ctrl-C, a closed window) reaches it: the shared simulator's launcher.
enum DetachedProcess {
    /// Why the program could not be started.
    struct SpawnError: Error, CustomStringConvertible {
        let description: String
    }

    /// glibc's `POSIX_SPAWN_SETSID` (a GNU extension the Swift module does not import).
    private static let setSessionFlag: Int32 = 0x80

    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34+), looked up at run time for the same reason.
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32

    /// Spawns `executable` with `arguments` and `environment` in a new session: stdin from /dev/null, stdout on
    /// `outputFD`, stderr on `logFD` (opened by the caller, who checked what it is), every other descriptor closed,
    /// signals at their defaults.
    /// - Returns: the child's pid.
    /// - Throws: ``SpawnError`` with the reason from `posix_spawn`.
    static func spawn(_ executable: String, arguments: [String], environment: [String: String], outputFD: Int32,
                      logFD: Int32) throws(SpawnError) -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGINT, SIGTERM, SIGPIPE, SIGHUP] { sigaddset(&defaults, number) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(
            &attributes, Int16(setSessionFlag | Int32(POSIX_SPAWN_SETSIGDEF) | Int32(POSIX_SPAWN_SETSIGMASK)))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outputFD, 1)
        posix_spawn_file_actions_adddup2(&actions, logFD, 2)
        // Without this the child would keep whatever the caller had open (a test's pipes, a lock), holding them
        // for as long as it lives.
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
        }

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw SpawnError(description: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        return pid
    }
}
