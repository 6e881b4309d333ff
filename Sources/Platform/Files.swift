#if canImport(Glibc)
import Glibc
#endif

extension Platform {
    /// `open(2)` flags.
    package enum OpenFlag {
        package static let readOnly = O_RDONLY
        package static let writeOnly = O_WRONLY
        package static let readWrite = O_RDWR
        package static let create = O_CREAT
        package static let append = O_APPEND
        package static let exclusive = O_EXCL
        package static let noFollow = O_NOFOLLOW
        package static let closeOnExec = O_CLOEXEC
        package static let nonBlocking = O_NONBLOCK
    }

    /// `open(2)`: the descriptor, or -1 with ``lastError`` set.
    package static func open(_ path: String, flags: Int32, mode: UInt32) -> Int32 {
        Glibc.open(path, flags, mode)
    }

    /// `close(2)`.
    @discardableResult
    package static func close(_ fd: Int32) -> Int32 {
        Glibc.close(fd)
    }

    /// `read(2)` into `buffer`: the count read, 0 at end of file, or -1 with ``lastError`` set.
    package static func read(fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        Glibc.read(fd, buffer.baseAddress, buffer.count)
    }

    /// `write(2)` of `bytes`: the count written, or -1 with ``lastError`` set.
    package static func write(fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
        Glibc.write(fd, bytes.baseAddress, bytes.count)
    }

    /// `pread(2)` into `buffer` from `offset`: the count read, 0 at end of file, or -1 with ``lastError`` set.
    package static func read(fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int) -> Int {
        pread(fd, buffer.baseAddress, buffer.count, off_t(offset))
    }

    /// `pwrite(2)` of `bytes` at `offset`: the count written, or -1 with ``lastError`` set.
    package static func write(fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int) -> Int {
        pwrite(fd, bytes.baseAddress, bytes.count, off_t(offset))
    }

    /// `ftruncate(2)`: 0, or -1 with ``lastError`` set.
    package static func truncate(fd: Int32, size: Int) -> Int32 {
        ftruncate(fd, off_t(size))
    }

    /// `unlink(2)`: 0, or -1 with ``lastError`` set.
    @discardableResult
    package static func unlink(_ path: String) -> Int32 {
        Glibc.unlink(path)
    }

    /// `rename(2)`: 0, or -1 with ``lastError`` set.
    package static func rename(_ from: String, to: String) -> Int32 {
        Glibc.rename(from, to)
    }

    /// `mkdir(2)`: 0, or -1 with ``lastError`` set.
    package static func makeDirectory(_ path: String, mode: UInt32) -> Int32 {
        mkdir(path, mode)
    }

    /// Whether this process may read `path` (`access(2)` with `R_OK`).
    package static func isReadable(_ path: String) -> Bool {
        access(path, R_OK) == 0
    }

    /// What `stat(2)` says about a file, as far as this package asks.
    package struct FileStatus: Sendable, Hashable {
        /// The file type and permission bits (`st_mode`).
        package var mode: UInt32
        /// The owner's uid.
        package var owner: UInt32
        /// The inode number.
        package var inode: UInt64
        /// The whole seconds of the last modification.
        package var modifiedSeconds: Int
        /// The nanoseconds past ``modifiedSeconds``.
        package var modifiedNanoseconds: Int
        /// The device the inode is on (with ``inode``, names the file).
        package var device: UInt64
        /// The size in bytes.
        package var size: Int
        /// The number of hard links (0: the file was removed while open).
        package var links: UInt64

        package init(mode: UInt32, owner: UInt32, inode: UInt64 = 0, modifiedSeconds: Int = 0,
                     modifiedNanoseconds: Int = 0, device: UInt64 = 0, size: Int = 0, links: UInt64 = 0) {
            self.mode = mode
            self.owner = owner
            self.inode = inode
            self.modifiedSeconds = modifiedSeconds
            self.modifiedNanoseconds = modifiedNanoseconds
            self.device = device
            self.size = size
            self.links = links
        }

        init(_ info: stat) {
            self.init(mode: UInt32(info.st_mode), owner: UInt32(info.st_uid), inode: UInt64(info.st_ino),
                      modifiedSeconds: Int(info.st_mtim.tv_sec), modifiedNanoseconds: Int(info.st_mtim.tv_nsec),
                      device: UInt64(info.st_dev), size: Int(info.st_size), links: UInt64(info.st_nlink))
        }

        /// A regular file.
        package var isRegularFile: Bool { mode & UInt32(S_IFMT) == UInt32(S_IFREG) }
        /// A directory.
        package var isDirectory: Bool { mode & UInt32(S_IFMT) == UInt32(S_IFDIR) }
        /// The permission bits, setuid/setgid/sticky included (`mode & 0o7777`).
        package var permissions: UInt32 { mode & 0o7777 }
        /// The modification time in fractional seconds since the epoch.
        package var modified: Double { Double(modifiedSeconds) + Double(modifiedNanoseconds) / 1e9 }
    }

    /// `fstat(2)`, or nil with ``lastError`` set.
    package static func status(fd: Int32) -> FileStatus? {
        var info = stat()
        return fstat(fd, &info) == 0 ? FileStatus(info) : nil
    }

    /// `stat(2)` (links followed), or nil with ``lastError`` set.
    package static func status(path: String) -> FileStatus? {
        var info = stat()
        return stat(path, &info) == 0 ? FileStatus(info) : nil
    }

    /// `lstat(2)` (a link is described, not followed), or nil with ``lastError`` set.
    package static func linkStatus(path: String) -> FileStatus? {
        var info = stat()
        return lstat(path, &info) == 0 ? FileStatus(info) : nil
    }

    /// Sets a file's access and modification times to `seconds` since the epoch (`futimens`).
    package static func setTimes(fd: Int32, seconds: Double) {
        var times = [timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))]
        times.append(times[0])
        _ = futimens(fd, times)
    }

    /// Sets a file's access and modification times to now (`futimens` with no times).
    package static func touch(fd: Int32) {
        _ = futimens(fd, nil)
    }

    /// The real uid of this process.
    package static func userID() -> UInt32 { getuid() }

    /// The effective uid of this process (who owns what it creates).
    package static func effectiveUserID() -> UInt32 { geteuid() }

    // MARK: - Descriptors

    /// A pipe's read and write ends, or nil with ``lastError`` set.
    package static func pipe() -> (read: Int32, write: Int32)? {
        var ends: [Int32] = [0, 0]
        guard Glibc.pipe(&ends) == 0 else { return nil }
        return (ends[0], ends[1])
    }

    /// Marks `fd` close-on-exec, so no child process inherits it.
    package static func setCloseOnExec(_ fd: Int32) {
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
    }

    /// Makes `fd` non-blocking.
    package static func setNonBlocking(_ fd: Int32) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    /// Makes `fd` blocking again.
    package static func setBlocking(_ fd: Int32) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
    }

    /// A close-on-exec duplicate of `fd` numbered `minimum` or above, or -1.
    package static func duplicateCloseOnExec(_ fd: Int32, minimum: Int32) -> Int32 {
        fcntl(fd, F_DUPFD_CLOEXEC, minimum)
    }

    /// Points `target` at what `fd` is open on (`dup2`).
    package static func duplicate(_ fd: Int32, onto target: Int32) {
        _ = dup2(fd, target)
    }

    /// Flushes every C stdio stream (`fflush(NULL)`).
    package static func flushStandardIO() {
        fflush(nil)
    }

    /// Whether `fd` is a terminal.
    package static func isTerminal(_ fd: Int32) -> Bool {
        isatty(fd) == 1
    }

    /// The largest write a pipe takes whole (`PIPE_BUF`).
    package static let pipeAtomicWrite = Int(PIPE_BUF)

    // MARK: - Polling

    /// The events ``poll(_:for:timeoutMilliseconds:)`` waits for.
    package struct PollEvents: OptionSet, Sendable {
        package let rawValue: Int16
        package init(rawValue: Int16) { self.rawValue = rawValue }
        package static let readable = PollEvents(rawValue: Int16(POLLIN))
        package static let writable = PollEvents(rawValue: Int16(POLLOUT))
    }

    /// `poll(2)` on one descriptor: 1 when ready (``PollResult/returned`` says for what), 0 on timeout, -1 with
    /// ``lastError`` set. A negative timeout waits forever.
    package static func poll(_ fd: Int32, for events: PollEvents, timeoutMilliseconds: Int32) -> PollResult {
        var poller = pollfd(fd: fd, events: events.rawValue, revents: 0)
        let ready = Glibc.poll(&poller, 1, timeoutMilliseconds)
        return PollResult(count: ready, returned: PollEvents(rawValue: poller.revents))
    }

    /// What ``poll(_:for:timeoutMilliseconds:)`` returned.
    package struct PollResult: Sendable {
        /// poll's own result: 1 ready, 0 timed out, -1 failed.
        package let count: Int32
        /// The events reported for the descriptor.
        package let returned: PollEvents
    }

    // MARK: - Locks

    /// Takes an exclusive `flock` without waiting: 0, or -1 with ``lastError`` set.
    package static func tryLockExclusive(_ fd: Int32) -> Int32 {
        flock(fd, LOCK_EX | LOCK_NB)
    }

    /// Takes an exclusive `flock`, blocking until it is free: 0, or -1 with ``lastError`` set.
    package static func lockExclusive(_ fd: Int32) -> Int32 {
        flock(fd, LOCK_EX)
    }

    /// Releases a `flock`.
    package static func unlock(_ fd: Int32) {
        flock(fd, LOCK_UN)
    }
}
