import Foundation
import Synchronization
import Platform
import Time

/// A key's ``BudgetLedger`` in a small binary file of the runtime directory, read and changed with `pread` and
/// `pwrite` under an exclusive `flock` on the file itself, kept open for the life of the process.
///
/// The file holds a 64-byte header (magic, version, slot capacities, the active slot, the boot that wrote it) and two
/// slots (see ``BudgetLedger/init(slot:sendCapacity:waiterCapacity:)``): a change is written to the inactive slot,
/// then one aligned word makes it the active one, so a process killed at any moment (even by SIGKILL, holding the
/// lock) leaves the last whole ledger behind, and the kernel drops its lock. Whatever the file holds is only read
/// into this process's memory and checked there: a file that is not ours (another format, torn header, bad checksum,
/// shorter than its header says, truncated or scribbled on by anyone) is rebuilt empty, never trusted, and one of
/// another boot too (its times are on another boot's monotonic clock). That costs at most a minute of exactness, as
/// a restart would. The file's blocks are written whole when it is laid out, so a full disk shows as a failed write
/// (the caller carries on with a budget of its own), never as a signal. No `fsync`: the ledger matters only while
/// this boot's processes run.
package final class BudgetLedgerFile: Sendable {
    /// The file's path.
    package let path: String
    private let lockTimeout: Double
    private let boot: BootID
    private let clock: any TimeSource
    private let file = Mutex(OpenFile())
    private let queue = FileQueue()

    /// "DUVOBDG1", the first word of every budget file this layout wrote.
    static let magic: UInt64 = 0x3147_4442_4f56_5544
    /// The layout's version, the header's second word (2: the even spread joined the ledger; 3: the boot id).
    static let version: UInt64 = 3
    /// The header's size in bytes: magic, version, send and waiter capacities, active slot, boot id (two words), 0.
    static let headerBytes = 64
    /// Send times a new file has room for: a few minutes' worth at Duvo's limit; the file grows when a higher limit
    /// needs more.
    static let initialSendCapacity = 1024
    /// Waiting processes a new file has room for.
    static let initialWaiterCapacity = 128

    /// The open file in this process.
    private struct OpenFile {
        var fd: Int32 = -1
        /// When the file's modification time was last refreshed (``RuntimeDirectory/prune(olderThan:)`` goes by it).
        var touchedAt = -Double.infinity
    }

    /// Where the slots are, as the header says.
    private struct Layout {
        var sends = BudgetLedgerFile.initialSendCapacity
        var waiters = BudgetLedgerFile.initialWaiterCapacity
        var active = 0

        var slotBytes: Int { BudgetLedger.slotBytes(sendCapacity: sends, waiterCapacity: waiters) }
        var fileBytes: Int { BudgetLedgerFile.headerBytes + 2 * slotBytes }
        func offset(ofSlot slot: Int) -> Int { BudgetLedgerFile.headerBytes + slot * slotBytes }
    }

    /// The ledger file `path`; `boot` is the boot whose times it holds (this one, but for tests), on `clock`
    /// (the system's, whose monotonic time every process of the boot shares, but for tests).
    package init(path: String, lockTimeout: Double = 2, boot: BootID = .current,
                 clock: any TimeSource = SystemTimeSource()) {
        self.path = path
        self.clock = clock
        self.lockTimeout = lockTimeout
        self.boot = boot
    }

    deinit {
        file.withLock { if $0.fd >= 0 { Platform.close($0.fd) } }
    }

    /// Reads the ledger, lets `change` edit it at the time the lock was taken, writes it back when it changed, and
    /// returns what `change` returned; all under the lock, on the file's own queue.
    /// - Throws: ``CoordinationError/file(path:reason:)`` when the lock cannot be taken in time, or the file cannot
    ///   be opened (a link, another user's), read or written (a full disk).
    package func update<T: Sendable>(_ change: @escaping @Sendable (inout BudgetLedger, _ now: Double) -> T)
        async throws(CoordinationError) -> T
    {
        try await queue.run { () throws(CoordinationError) in try self.updateNow(change) }
    }

    private func updateNow<T>(_ change: (inout BudgetLedger, Double) -> T) throws(CoordinationError) -> T {
        try file.withLock { file throws(CoordinationError) -> T in
            let size = try lockCurrentFile(&file)
            let fd = file.fd
            defer { Platform.unlock(fd) }
            let now = clock.now()
            if now - file.touchedAt > 60 {
                Platform.touch(fd: fd)
                file.touchedAt = now
            }
            let read = try read(fd, size: size)
            var ledger = read?.ledger ?? BudgetLedger()
            ledger.discardImpossible(now: now)
            let result = change(&ledger, now)
            if let read, ledger == read.ledger { return result }
            if let read, try writeInactive(fd, ledger: ledger, layout: read.layout) { return result }
            try rebuild(fd, ledger: ledger, layout: read?.layout ?? Layout())
            return result
        }
    }

    /// The ledger in the active slot and where the slots are; nil when the file is not a whole ledger of ours, of
    /// this boot.
    private func read(_ fd: Int32, size: Int) throws(CoordinationError) -> (ledger: BudgetLedger, layout: Layout)? {
        guard size >= Self.headerBytes else { return nil }
        let header = try readBytes(fd, count: Self.headerBytes, at: 0)
        guard header.count == Self.headerBytes else { return nil }
        let word = { (index: Int) in
            header.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8 * index, as: UInt64.self) }
        }
        let limits = BudgetLedger.slotCapacityLimits
        guard word(0) == Self.magic, word(1) == Self.version, word(2) <= UInt64(limits.sends),
              word(3) <= UInt64(limits.waiters), word(4) <= 1, BootID(high: word(5), low: word(6)) == boot
        else { return nil }
        let layout = Layout(sends: Int(word(2)), waiters: Int(word(3)), active: Int(word(4)))
        guard size >= layout.fileBytes else { return nil }
        let slot = try readBytes(fd, count: layout.slotBytes, at: layout.offset(ofSlot: layout.active))
        let ledger = slot.withUnsafeBytes {
            BudgetLedger(slot: $0, sendCapacity: layout.sends, waiterCapacity: layout.waiters)
        }
        return ledger.map { ($0, layout) }
    }

    /// Writes `ledger` to the inactive slot and makes it the active one; false when it does not fit.
    private func writeInactive(_ fd: Int32, ledger: BudgetLedger, layout: Layout) throws(CoordinationError) -> Bool {
        guard let bytes = ledger.encoded(sendCapacity: layout.sends, waiterCapacity: layout.waiters) else {
            return false
        }
        let inactive = 1 - layout.active
        try writeBytes(fd, bytes, at: layout.offset(ofSlot: inactive))
        try writeBytes(fd, Self.bytes(of: [UInt64(inactive)]), at: 32)
        return true
    }

    /// Lays the file out anew around `ledger`, with room for it (capacities doubled as often as needed), writing
    /// every byte so that the file has no holes. The magic word goes last, so a process killed or a disk filled
    /// halfway leaves a file the next one rebuilds again.
    private func rebuild(_ fd: Int32, ledger: BudgetLedger, layout: Layout) throws(CoordinationError) {
        // Never below the initial room: a header may have said 0, which no doubling grows.
        var layout = Layout(sends: max(layout.sends, Self.initialSendCapacity),
                            waiters: max(layout.waiters, Self.initialWaiterCapacity), active: 0)
        while ledger.sendTimes.count > layout.sends { layout.sends *= 2 }
        while ledger.waiters.count > layout.waiters { layout.waiters *= 2 }
        let limits = BudgetLedger.slotCapacityLimits
        guard layout.sends <= limits.sends, layout.waiters <= limits.waiters,
              let slot = ledger.encoded(sendCapacity: layout.sends, waiterCapacity: layout.waiters) else {
            throw failure("the ledger does not fit the file laid out for it")
        }
        var bytes = Self.bytes(of: [0, Self.version, UInt64(layout.sends), UInt64(layout.waiters), 0, boot.high,
                                    boot.low, 0])
        bytes += slot
        bytes += [UInt8](repeating: 0, count: layout.fileBytes - bytes.count)
        // Shrinking to nothing first drops whatever a foreign writer left beyond the new size.
        guard Platform.truncate(fd: fd, size: 0) == 0 else { throw failure("cannot truncate: \(Self.lastError())") }
        try writeBytes(fd, bytes, at: 0)
        try writeBytes(fd, Self.bytes(of: [Self.magic]), at: 0)
    }

    /// Up to `count` bytes at `offset`: fewer when the file is shorter (someone truncated it).
    private func readBytes(_ fd: Int32, count: Int, at offset: Int) throws(CoordinationError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes {
                Platform.read(fd: fd, into: UnsafeMutableRawBufferPointer(rebasing: $0[done...]), at: offset + done)
            }
            if got < 0 && Platform.lastError == Platform.ErrorCode.interrupted { continue }
            guard got >= 0 else { throw failure("cannot read: \(Self.lastError())") }
            if got == 0 { break }
            done += got
        }
        return Array(bytes[0..<done])
    }

    private func writeBytes(_ fd: Int32, _ bytes: [UInt8], at offset: Int) throws(CoordinationError) {
        var done = 0
        while done < bytes.count {
            let put = bytes.withUnsafeBytes {
                Platform.write(fd: fd, UnsafeRawBufferPointer(rebasing: $0[done...]), at: offset + done)
            }
            if put < 0 && Platform.lastError == Platform.ErrorCode.interrupted { continue }
            guard put > 0 else { throw failure("cannot write: \(Self.lastError())") }
            done += put
        }
    }

    private static func bytes(of words: [UInt64]) -> [UInt8] { words.withUnsafeBytes { Array($0) } }

    /// Locks the file that is at `path` now and returns its size: a file pruned since it was opened (see
    /// ``RuntimeDirectory/prune(olderThan:)``) has no link left, so the open one is swapped for the one at `path`.
    private func lockCurrentFile(_ file: inout OpenFile) throws(CoordinationError) -> Int {
        for _ in 0..<3 {
            if file.fd < 0 {
                do {
                    file.fd = try OwnedFile.open(path, flags: Platform.OpenFlag.readWrite | Platform.OpenFlag.create)
                } catch {
                    throw .file(path: path, error)
                }
            }
            try Flock.acquire(file.fd, path: path, timeout: lockTimeout)
            guard let info = Platform.status(fd: file.fd) else {
                Platform.unlock(file.fd)
                throw failure("cannot stat: \(Self.lastError())")
            }
            if info.links > 0 { return info.size }
            Platform.unlock(file.fd)
            Platform.close(file.fd)
            file = OpenFile()
        }
        throw failure("the file keeps being removed")
    }

    private func failure(_ reason: String) -> CoordinationError { .file(path: path, reason: reason) }

    private static func lastError() -> String { Platform.lastErrorDescription() }
}
