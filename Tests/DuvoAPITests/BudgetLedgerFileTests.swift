import Foundation
import KeyCoordination
import Testing
import TestSupport
import Time

/// The runtime directory's binary budget file: what survives a trip through it, and what is refused.
@Suite("Budget ledger file")
struct BudgetLedgerFileTests {
    private let directory: RuntimeDirectory
    private let path: String

    init() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("duvo-rt-\(UUID().uuidString)").path
        directory = try RuntimeDirectory(path: root)
        path = directory.file("budget-k.ledger")
    }

    private var store: FileBudgetStore { FileBudgetStore(directory: directory, name: "k") }

    private func request(_ participant: String, _ priority: RateBudget.Priority = .interactive,
                         limit: Int = 10) -> SlotRequest {
        SlotRequest(participant: participant, priority: priority, waitingAfterGrant: nil,
                    allowances: Allowances(limit: limit, backgroundShare: 0.5))
    }

    /// The file's 8-byte words.
    private func words() throws -> [UInt64] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return data.withUnsafeBytes { raw in (0..<raw.count / 8).map { raw.load(fromByteOffset: 8 * $0, as: UInt64.self) } }
    }

    private func overwrite(wordAt index: Int, with value: UInt64) throws {
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(8 * index))
        try handle.write(contentsOf: withUnsafeBytes(of: value) { Data($0) })
    }

    @Test("what one process writes, another reads: sends, the penalty and who waits")
    func roundTrip() async throws {
        let writer = store
        for _ in 0..<3 { #expect(try await writer.attempt(request("a")) == .granted) }
        try await writer.penalize(seconds: 30)
        let reader = store
        #expect(try await reader.usedInWindow() == 3)
        guard case .wait = try await reader.attempt(request("b", .status)) else {
            Issue.record("the penalty was lost")
            return
        }
        // "b" now waits with a status: "a" (a client's call) is outranked even once the penalty is gone.
        guard case .wait = try await writer.attempt(request("a")) else {
            Issue.record("the waiter was lost")
            return
        }
    }

    @Test("a file in another format (the old text ledger) is rebuilt empty, not trusted")
    func foreignFormat() async throws {
        try Data("duvo-budget 1\nblocked 99999999\nsends-us 1 2 3\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(try await store.usedInWindow() == 0)
        #expect(try await store.attempt(request("a")) == .granted, "no penalty read from a foreign file")
        #expect(try words().first == 0x3147_4442_4f56_5544, "rebuilt in this layout")
        #expect(try await store.usedInWindow() == 1)
    }

    @Test("a damaged active slot is refused; a half-written inactive one (a writer killed mid-change) is ignored")
    func tornSlots() async throws {
        let writer = store
        for _ in 0..<4 { _ = try await writer.attempt(request("a")) }
        let header = try words()
        let slotWords = 8 + Int(header[2]) + 3 * Int(header[3])
        let active = 8 + Int(header[4]) * slotWords
        let inactive = 8 + (1 - Int(header[4])) * slotWords
        try overwrite(wordAt: inactive + 5, with: 3)
        try overwrite(wordAt: inactive + 7, with: 42)
        #expect(try await store.usedInWindow() == 4, "the last whole ledger stands")
        try overwrite(wordAt: active + 8, with: Double(1).bitPattern)
        #expect(try await store.usedInWindow() == 0, "a slot whose checksum fails is not trusted")
        #expect(try await store.attempt(request("a")) == .granted)
        #expect(try await store.usedInWindow() == 1)
    }

    @Test("a file truncated behind the processes' backs is rebuilt, and nothing crashes")
    func truncated() async throws {
        let writer = store
        _ = try await writer.attempt(request("a"))
        try Data().write(to: URL(fileURLWithPath: path))
        #expect(try await writer.usedInWindow() == 0)
        #expect(try await writer.attempt(request("a")) == .granted)
        #expect(try await store.usedInWindow() == 1)
    }

    @Test("a limit beyond the file's room grows the file; every send is kept")
    func grows() async throws {
        let writer = store
        for _ in 0..<1500 { #expect(try await writer.attempt(request("a", limit: 3000)) == .granted) }
        #expect(try await store.usedInWindow() == 1500)
        #expect(try await writer.usedInWindow() == 1500, "the first process follows the grown file")
    }

    @Test("a ledger written on another boot is discarded: its penalty and sends mean nothing on this boot's clock")
    func anotherBoot() async throws {
        let other = try #require(BootID(text: "01234567-89ab-cdef-0123-456789abcdef"))
        let before = BudgetLedgerFile(path: path, boot: other)
        try await before.update { ledger, now in
            for _ in 0..<5 { _ = ledger.attempt(request("a"), now: now) }
            ledger.penalize(seconds: 600, now: now)
        }
        #expect(try await store.usedInWindow() == 0)
        #expect(try await store.attempt(request("a")) == .granted, "no penalty from another boot")
        #expect(try words()[5] == BootID.current.high && words()[6] == BootID.current.low, "rebuilt for this boot")
    }

    @Test("times further ahead than any real wait are discarded: a penalty of 30 days, sends and waiters in the future")
    func impossibleTimes() async throws {
        let file = BudgetLedgerFile(path: path)
        try await file.update { ledger, now in
            var ghost = request("ghost", .status)
            ghost.waitingAfterGrant = .status
            // A send a day ahead, and a status waiter registered until then.
            _ = ledger.attempt(ghost, now: now + 86400)
            ledger.sendTimes.insert(now - 1, at: 0)
            ledger.blockedUntil = now + 30 * 86400
        }
        #expect(try await store.usedInWindow() == 1, "the send in the future is gone")
        #expect(try await store.attempt(request("a")) == .granted,
                "neither the block nor the eternal waiter holds it up")
        try await store.penalize(seconds: 30 * 86400)
        let blocked = try await file.update { $0.blockedUntil - $1 }
        #expect(blocked <= BudgetLedger.longestPenalty,
                "a Retry-After of 30 days is kept \(BudgetLedger.longestPenalty) s")
    }

    @Test("a ledger path that is a symbolic link is refused, and the file it points to stays as it was")
    func symlinkRefused() async throws {
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("duvo-outside-\(UUID().uuidString)")
        try Data("precious".utf8).write(to: outside)
        defer { try? FileManager.default.removeItem(at: outside) }
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: outside.path)
        await #expect(throws: CoordinationError.self) { try await store.attempt(request("a")) }
        #expect(try Data(contentsOf: outside) == Data("precious".utf8))
    }

    @Test("a file cut, scribbled on or re-headed at random between any two operations: rebuilt, never a crash")
    func scribbled() async throws {
        var random = SeededGenerator(seed: 19)
        let writer = store
        for round in 0..<400 {
            _ = try await writer.attempt(request("p\(round % 3)", limit: 100))
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            switch random.next() % 4 {
            case 0:
                bytes = Array(bytes.prefix(Int(random.next() % UInt64(bytes.count + 1))))
            case 1:
                for _ in 0..<(1 + random.next() % 8) where !bytes.isEmpty {
                    bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
                }
            case 2:
                // A plausible header (ours, this boot) over capacities and an active slot that may be anything.
                for (index, word) in [UInt64(random.next() % 4096), random.next() % 512, random.next() % 3]
                    .enumerated() where bytes.count >= 40 {
                    withUnsafeBytes(of: word) { bytes.replaceSubrange(16 + 8 * index..<24 + 8 * index, with: $0) }
                }
            default:
                bytes += (0..<Int(random.next() % 256)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let used = try await store.usedInWindow()
            #expect(used >= 0 && used <= 100)
        }
        #expect(try await store.attempt(request("a", limit: 1000)) == .granted)
    }
}

extension BudgetLedgerFileTests {
    @Test("callers waiting for a lock that another process holds take none of the cooperative pool's threads",
          .timeLimit(.minutes(2)))
    func waitsOffThePool() async throws {
        _ = try await store.usedInWindow()
        let holder = open(path, O_RDWR)
        #expect(holder >= 0 && flock(holder, LOCK_EX) == 0)
        // More waiters than the pool has threads: were they waiting on it, nothing else (this test's own polling
        // included) would run until they gave up.
        let count = ProcessInfo.processInfo.activeProcessorCount + 1
        let started = Locked(0)
        let finished = Locked(0)
        let waiters = (0..<count).map { _ in
            Task {
                let file = BudgetLedgerFile(path: path, lockTimeout: 60)
                started.withLock { $0 += 1 }
                defer { finished.withLock { $0 += 1 } }
                return try await file.update { $0.attempt(request("w"), now: $1) }
            }
        }
        while started.withLock({ $0 }) < count { try await Task.sleep(nanoseconds: 10_000_000) }
        try await Task.sleep(nanoseconds: 100_000_000)
        #expect(finished.withLock { $0 } == 0, "all still wait for the lock, and this test runs meanwhile")
        flock(holder, LOCK_UN)
        close(holder)
        for waiter in waiters { _ = try await waiter.value }
        #expect(try await store.usedInWindow() == count)
    }
}

/// The slot decoder on bytes of any kind: it answers a ledger or nil, and never crashes.
@Suite("Budget ledger decoding")
struct BudgetLedgerDecodingTests {
    @Test("random bytes, random sizes and capacities, and whole slots with one word changed: no crash")
    func fuzz() {
        var random = SeededGenerator(seed: 0x19)
        var ledger = BudgetLedger()
        let allowances = Allowances(limit: 100, backgroundShare: 0.5)
        for index in 0..<20 {
            // Ids of 16 hex digits, as processes make them, read back as they were written.
            let request = SlotRequest(participant: "0000000000000" + String(100 + index), priority: .interactive,
                                      waitingAfterGrant: .status, allowances: allowances)
            _ = ledger.attempt(request, now: Double(index))
        }
        let whole = ledger.encoded(sendCapacity: 32, waiterCapacity: 32) ?? []
        var decoded = 0
        for _ in 0..<3000 {
            let sends = Int(random.next() % 40) - 4
            let waiters = Int(random.next() % 40) - 4
            var bytes: [UInt8]
            if random.next() % 2 == 0 {
                bytes = (0..<Int(random.next() % 1200)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            } else {
                bytes = whole + [UInt8](repeating: 0, count: Int(random.next() % 1200))
                if !bytes.isEmpty, random.next() % 4 != 0 {
                    let at = Int(random.next() % UInt64(min(bytes.count, whole.count + 8)))
                    let bit = UInt8(1) << UInt8(random.next() % 8)
                    bytes[at] ^= bit
                }
            }
            if bytes.withUnsafeBytes({ BudgetLedger(slot: $0, sendCapacity: sends, waiterCapacity: waiters) }) != nil {
                decoded += 1
            }
        }
        #expect(decoded > 0, "whole slots still decode")
        let back = (whole + [UInt8](repeating: 0, count: 1024)).withUnsafeBytes {
            BudgetLedger(slot: $0, sendCapacity: 32, waiterCapacity: 32)
        }
        #expect(back == ledger, "a whole slot decodes to the ledger it was made from")
    }
}
