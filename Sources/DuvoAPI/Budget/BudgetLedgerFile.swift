import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A key's ``BudgetLedger`` in a small binary file of the runtime directory, mapped into memory and changed in place
/// under an exclusive `flock` on the file itself, kept open for the life of the process.
///
/// A request costs three system calls (lock, `fstat`, unlock) and no parsing of text: the text file it replaces was
/// read, parsed, printed, written to a temporary file and renamed on every request, which doubled the bridge's own
/// latency. The file holds a 64-byte header (magic, version, slot capacities, the active slot) and two slots (see
/// ``BudgetLedger/init(slot:sendCapacity:waiterCapacity:)``): a change is written to the inactive slot, then one
/// aligned word makes it the active one, so a process killed at any moment (even by SIGKILL, holding the lock) leaves
/// the last whole ledger behind, and the kernel drops its lock. A file that is not ours (another format, torn header,
/// bad checksum) is rebuilt empty, never trusted; that costs at most a minute of exactness, as a restart would.
/// No `fsync`: the ledger matters only while this boot's processes run.
final class BudgetLedgerFile: Sendable {
    /// The file's path.
    let path: String
    private let lockTimeout: Double
    /// Test hook (`DUVO_TEST_LOCK_HOLD_MS`): stay inside the critical section this long, so a test can kill a process
    /// that holds the lock.
    private let testHold: UInt32
    private let mapping = Mutex(Mapping())

    /// "DUVOBDG1", the first word of every budget file this layout wrote.
    static let magic: UInt64 = 0x3147_4442_4f56_5544
    /// The layout's version, the header's second word (2: the even spread joined the ledger).
    static let version: UInt64 = 2
    /// The header's size in bytes.
    static let headerBytes = 64
    /// Send times a new file has room for: a few minutes' worth at Duvo's limit; the file grows when a higher limit
    /// needs more.
    static let initialSendCapacity = 1024
    /// Waiting processes a new file has room for.
    static let initialWaiterCapacity = 128

    /// The open file and its mapping in this process.
    private struct Mapping {
        var fd: Int32 = -1
        var base: UnsafeMutableRawPointer?
        var length = 0
        /// When the file's modification time was last refreshed (``RuntimeDirectory/prune(olderThan:)`` goes by it,
        /// and stores through a mapping do not always update it).
        var touchedAt = -Double.infinity
    }

    /// The ledger file `path`.
    init(path: String, lockTimeout: Double = 2, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.path = path
        self.lockTimeout = lockTimeout
        testHold = environment["DUVO_TEST_LOCK_HOLD_MS"].flatMap { UInt32($0) } ?? 0
    }

    deinit {
        mapping.withLock { Self.close(&$0) }
    }

    /// Reads the ledger, lets `change` edit it, writes it back when it changed, and returns what `change` returned;
    /// all under the lock.
    /// - Throws: ``CoordinationError/file(path:reason:)`` when the lock cannot be taken in time or the file cannot be
    ///   opened, sized or mapped.
    func update<T>(_ change: (inout BudgetLedger) -> T) throws(CoordinationError) -> T {
        try mapping.withLock { mapping throws(CoordinationError) -> T in
            let size = try lockCurrentFile(&mapping)
            let fd = mapping.fd
            defer { flock(fd, LOCK_UN) }
            let now = MonotonicClock.now()
            if now - mapping.touchedAt > 60 {
                futimens(fd, nil)
                mapping.touchedAt = now
            }
            var capacities = (sends: Self.initialSendCapacity, waiters: Self.initialWaiterCapacity)
            var ledger = BudgetLedger()
            var valid = false
            if size >= Self.headerBytes {
                try map(&mapping, length: size)
                if let read = Self.read(mapping, size: size) {
                    (ledger, capacities, valid) = (read.ledger, read.capacities, true)
                }
            }
            let before = ledger
            let result = change(&ledger)
            if !valid || ledger != before {
                if !valid || !Self.writeInactive(mapping, ledger: ledger, capacities: capacities) {
                    try rebuild(&mapping, size: size, ledger: ledger, capacities: capacities)
                }
            }
            if testHold > 0 { usleep(testHold * 1000) }
            return result
        }
    }

    /// The ledger in the active slot, with the slot capacities; nil when the file is not a whole ledger of ours.
    private static func read(_ mapping: Mapping, size: Int)
        -> (ledger: BudgetLedger, capacities: (sends: Int, waiters: Int))?
    {
        guard let base = mapping.base else { return nil }
        func word(_ index: Int) -> UInt64 { base.load(fromByteOffset: 8 * index, as: UInt64.self) }
        guard word(0) == magic, word(1) == version, word(2) <= 1 << 24, word(3) <= 1 << 16, word(4) <= 1 else {
            return nil
        }
        let capacities = (sends: Int(word(2)), waiters: Int(word(3)))
        let slot = BudgetLedger.slotBytes(sendCapacity: capacities.sends, waiterCapacity: capacities.waiters)
        guard size >= headerBytes + 2 * slot else { return nil }
        let active = base + headerBytes + Int(word(4)) * slot
        guard let ledger = BudgetLedger(slot: active, sendCapacity: capacities.sends,
                                        waiterCapacity: capacities.waiters)
        else { return nil }
        return (ledger, capacities)
    }

    /// Writes `ledger` to the inactive slot and makes it the active one; false when it does not fit.
    private static func writeInactive(_ mapping: Mapping, ledger: BudgetLedger,
                                      capacities: (sends: Int, waiters: Int)) -> Bool {
        guard let base = mapping.base else { return false }
        let slot = BudgetLedger.slotBytes(sendCapacity: capacities.sends, waiterCapacity: capacities.waiters)
        let inactive = 1 - base.load(fromByteOffset: 32, as: UInt64.self)
        guard ledger.write(slot: base + headerBytes + Int(inactive) * slot, sendCapacity: capacities.sends,
                           waiterCapacity: capacities.waiters)
        else { return false }
        base.storeBytes(of: inactive, toByteOffset: 32, as: UInt64.self)
        return true
    }

    /// Lays the file out anew around `ledger`, with room for it (capacities doubled as often as needed). The magic
    /// word goes last, so a process killed halfway leaves a file the next one rebuilds again.
    private func rebuild(_ mapping: inout Mapping, size current: Int, ledger: BudgetLedger,
                         capacities: (sends: Int, waiters: Int)) throws(CoordinationError) {
        var capacities = capacities
        while ledger.sendTimes.count > capacities.sends { capacities.sends *= 2 }
        while ledger.waiters.count > capacities.waiters { capacities.waiters *= 2 }
        let size = Self.headerBytes
            + 2 * BudgetLedger.slotBytes(sendCapacity: capacities.sends, waiterCapacity: capacities.waiters)
        if let base = mapping.base, mapping.length <= current { base.storeBytes(of: 0, as: UInt64.self) }
        // Shrinking to nothing first zeroes whatever a foreign writer left.
        guard ftruncate(mapping.fd, 0) == 0, ftruncate(mapping.fd, off_t(size)) == 0 else {
            throw failure("cannot size: \(Self.lastError())")
        }
        try map(&mapping, length: size)
        guard let base = mapping.base else { throw failure("cannot map") }
        for (index, word) in [Self.version, UInt64(capacities.sends), UInt64(capacities.waiters), 0].enumerated() {
            base.storeBytes(of: word, toByteOffset: 8 * (index + 1), as: UInt64.self)
        }
        guard ledger.write(slot: base + Self.headerBytes, sendCapacity: capacities.sends,
                           waiterCapacity: capacities.waiters)
        else { throw failure("the ledger does not fit the file laid out for it") }
        base.storeBytes(of: Self.magic, as: UInt64.self)
    }

    /// Maps `length` bytes of the open file, unless they already are.
    private func map(_ mapping: inout Mapping, length: Int) throws(CoordinationError) {
        guard mapping.base == nil || mapping.length != length else { return }
        if let base = mapping.base { munmap(base, mapping.length) }
        mapping.base = nil
        guard let base = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_SHARED, mapping.fd, 0), base != MAP_FAILED
        else { throw failure("cannot map: \(Self.lastError())") }
        mapping.base = base
        mapping.length = length
    }

    /// Locks the file that is at `path` now and returns its size: a file pruned since it was opened (see
    /// ``RuntimeDirectory/prune(olderThan:)``) has no link left, so the open one is swapped for the one at `path`.
    private func lockCurrentFile(_ mapping: inout Mapping) throws(CoordinationError) -> Int {
        for _ in 0..<3 {
            if mapping.fd < 0 {
                mapping.fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
                guard mapping.fd >= 0 else { throw failure("cannot open: \(Self.lastError())") }
            }
            try acquire(mapping.fd)
            var info = stat()
            guard fstat(mapping.fd, &info) == 0 else {
                flock(mapping.fd, LOCK_UN)
                throw failure("cannot stat: \(Self.lastError())")
            }
            if info.st_nlink > 0 { return Int(info.st_size) }
            flock(mapping.fd, LOCK_UN)
            Self.close(&mapping)
        }
        throw failure("the file keeps being removed")
    }

    /// Takes the exclusive lock, polling so that a stopped holder costs at most `lockTimeout`.
    private func acquire(_ fd: Int32) throws(CoordinationError) {
        let deadline = MonotonicClock.now() + lockTimeout
        var pause: UInt32 = 50
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else { throw failure("cannot lock: \(Self.lastError())") }
            guard MonotonicClock.now() < deadline else {
                throw failure("another process has held the lock for over \(lockTimeout) s")
            }
            usleep(pause)
            pause = min(pause * 2, 5_000)
        }
    }

    private static func close(_ mapping: inout Mapping) {
        if let base = mapping.base { munmap(base, mapping.length) }
        if mapping.fd >= 0 { Glibc.close(mapping.fd) }
        mapping = Mapping()
    }

    private func failure(_ reason: String) -> CoordinationError { .file(path: path, reason: reason) }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
