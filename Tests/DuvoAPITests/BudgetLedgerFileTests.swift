import DuvoAPI
import Foundation
import Testing

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
    func roundTrip() throws {
        let writer = store
        for _ in 0..<3 { #expect(try writer.attempt(request("a")) == .granted) }
        try writer.penalize(seconds: 30)
        let reader = store
        #expect(try reader.usedInWindow() == 3)
        guard case .wait = try reader.attempt(request("b", .status)) else {
            Issue.record("the penalty was lost")
            return
        }
        // "b" now waits with a status: "a" (a client's call) is outranked even once the penalty is gone.
        guard case .wait = try writer.attempt(request("a")) else {
            Issue.record("the waiter was lost")
            return
        }
    }

    @Test("a file in another format (the old text ledger) is rebuilt empty, not trusted")
    func foreignFormat() throws {
        try Data("duvo-budget 1\nblocked 99999999\nsends-us 1 2 3\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(try store.usedInWindow() == 0)
        #expect(try store.attempt(request("a")) == .granted, "no penalty read from a foreign file")
        #expect(try words().first == 0x3147_4442_4f56_5544, "rebuilt in this layout")
        #expect(try store.usedInWindow() == 1)
    }

    @Test("a damaged active slot is refused; a half-written inactive one (a writer killed mid-change) is ignored")
    func tornSlots() throws {
        let writer = store
        for _ in 0..<4 { _ = try writer.attempt(request("a")) }
        let header = try words()
        let slotWords = 7 + Int(header[2]) + 3 * Int(header[3])
        let active = 8 + Int(header[4]) * slotWords
        let inactive = 8 + (1 - Int(header[4])) * slotWords
        try overwrite(wordAt: inactive + 5, with: 3)
        try overwrite(wordAt: inactive + 7, with: 42)
        #expect(try store.usedInWindow() == 4, "the last whole ledger stands")
        try overwrite(wordAt: active + 8, with: Double(1).bitPattern)
        #expect(try store.usedInWindow() == 0, "a slot whose checksum fails is not trusted")
        #expect(try store.attempt(request("a")) == .granted)
        #expect(try store.usedInWindow() == 1)
    }

    @Test("a file truncated behind the processes' backs is rebuilt, and nothing crashes")
    func truncated() throws {
        let writer = store
        _ = try writer.attempt(request("a"))
        try Data().write(to: URL(fileURLWithPath: path))
        #expect(try writer.usedInWindow() == 0)
        #expect(try writer.attempt(request("a")) == .granted)
        #expect(try store.usedInWindow() == 1)
    }

    @Test("a limit beyond the file's room grows the file; every send is kept")
    func grows() throws {
        let writer = store
        for _ in 0..<1500 { #expect(try writer.attempt(request("a", limit: 3000)) == .granted) }
        #expect(try store.usedInWindow() == 1500)
        #expect(try writer.usedInWindow() == 1500, "the first process follows the grown file")
    }
}
