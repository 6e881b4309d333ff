#if canImport(Glibc)
import Glibc
#endif

extension Platform {
    /// This process's id.
    package static func processID() -> Int32 { getpid() }

    /// Ends the process at once with `status` (`exit(3)`).
    package static func exit(_ status: Int32) -> Never { Glibc.exit(status) }

    /// Sends `signal` to `pid`.
    package static func send(_ signal: Signal, to pid: Int32) {
        _ = kill(pid, signal.number)
    }

    /// Whether a process with `pid` exists (`kill(pid, 0)`; EPERM means it exists but is another user's).
    package static func processExists(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }

    /// The text of this boot's id (`/proc/sys/kernel/random/boot_id`), or nil where the kernel does not tell it.
    package static func bootIDText() -> String? {
        let data = readProcFile("/proc/sys/kernel/random/boot_id", limit: 64)
        return data.isEmpty ? nil : String(decoding: data, as: UTF8.self)
    }

    /// Blocks until child `pid` ends, reaping it.
    package static func waitForExit(of pid: Int32) {
        _ = waitpid(pid, nil, 0)
    }

    /// The path of the running executable (`/proc/self/exe`), or nil when it cannot be read.
    package static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The owner's uid of process `pid` (from `/proc/<pid>`), or nil when no such process exists.
    package static func processOwner(_ pid: Int32) -> UInt32? {
        status(path: "/proc/\(pid)")?.owner
    }

    /// The arguments of `pid` from `/proc/<pid>/cmdline`, reading at most `limit` bytes (empty when unreadable).
    package static func commandLine(of pid: Int32, limit: Int) -> [String] {
        let data = readProcFile("/proc/\(pid)/cmdline", limit: limit)
        return data.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether `/proc/locks` lists a `flock` held by `pid` on the file with `inode`.
    package static func holdsFileLock(pid: Int32, inode: UInt64) -> Bool {
        let data = readProcFile("/proc/locks", limit: 4 << 20)
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
    private static func readProcFile(_ path: String, limit: Int) -> [UInt8] {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { Glibc.close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while bytes.count < limit {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, min($0.count, limit - bytes.count)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += buffer[0..<count]
        }
        return bytes
    }

    /// Why ``spawnDetached(_:arguments:environment:outputFD:logFD:)`` could not start a program.
    package struct SpawnFailure: Error, Sendable {
        package let reason: String
    }

    /// glibc's `POSIX_SPAWN_SETSID` (a GNU extension the Swift module does not import).
    private static let setSessionFlag: Int32 = 0x80

    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34+), looked up at run time for the same reason.
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32

    /// Spawns `executable` with `arguments` and `environment` in a new session: stdin from /dev/null, stdout on
    /// `outputFD`, stderr on `logFD`, every other descriptor closed, SIGINT/SIGTERM/SIGPIPE/SIGHUP at their
    /// defaults, no signal blocked.
    /// - Returns: the child's pid, or the reason from `posix_spawn`.
    package static func spawnDetached(_ executable: String, arguments: [String], environment: [String: String],
                                      outputFD: Int32, logFD: Int32) -> Result<Int32, SpawnFailure> {
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
            return .failure(SpawnFailure(reason: "cannot start \(executable): \(errorDescription(result))"))
        }
        return .success(pid)
    }
}
