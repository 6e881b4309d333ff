import Diagnostics
import Foundation
import KeyCoordination
import Synchronization
import Testing
import TestSupport

/// Budgets of separate "processes" (separate ``RateBudget``s with their own participant ids) on one shared store.
@Suite("Shared budget stores", .serialized, .timeLimit(.minutes(1)))
struct SharedBudgetTests {
    private static func temporaryDirectory() throws -> RuntimeDirectory {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("duvo-rt-\(UUID().uuidString)").path
        return try RuntimeDirectory(path: path)
    }

    /// Two budgets on `makeStore()` take the whole allowance together and no more.
    private func holdTheLimitTogether(_ makeStore: () throws -> any BudgetStore) async throws {
        let first = RateBudget(limit: 6, store: try makeStore())
        let second = RateBudget(limit: 6, store: try makeStore())
        for _ in 0..<3 {
            try await first.acquire(.interactive)
            try await second.acquire(.interactive)
        }
        #expect(await first.usedInWindow() == 6, "each sees the other's sends")
        let blocked = Task { try await first.acquire(.interactive) }
        try await Task.sleep(nanoseconds: 300_000_000)
        #expect(await second.usedInWindow() == 6, "the seventh request waits: the key's limit is spent")
        await second.penalize(retryAfter: 30)
        blocked.cancel()
        await #expect(throws: CancellationError.self) { try await blocked.value }
    }

    @Test("budgets on one runtime-directory file hold one limit together")
    func fileStore() async throws {
        let directory = try Self.temporaryDirectory()
        let name = RuntimeDirectory.keyedName("dv_key", "http://127.0.0.1:1")
        try await holdTheLimitTogether { FileBudgetStore(directory: directory, name: name) }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: directory.file("budget-" + name + ".ledger")))
        #expect(bytes.range(of: Data("dv_key".utf8)) == nil, "the file never holds the key")
    }

    @Test("budgets on one Redis hold one limit together")
    func redisStore() async throws {
        let redis = try RedisServerProcess()
        let endpoint = try RedisEndpoint(url: redis.url())
        try await holdTheLimitTogether {
            RedisBudgetStore(client: RESPClient(endpoint: endpoint), name: RuntimeDirectory.keyedName("k", "u"))
        }
    }

    @Test("a budget tells when other processes spent its key in the last minute, and not when it alone did")
    func othersOnTheKey() async throws {
        let clock = ManualClock()
        let store = LocalBudgetStore(clock: clock)
        let first = RateBudget(limit: 300, store: store, clock: clock)
        let second = RateBudget(limit: 300, store: store, clock: clock)
        for _ in 0..<5 { try await first.acquire(.background) }
        #expect(await !first.othersSentLately(), "its own requests are not others'")
        try await second.acquire(.interactive)
        #expect(await first.othersSentLately())
        #expect(await second.othersSentLately())
        clock.advance(by: 30)
        try await first.acquire(.status)
        clock.advance(by: 31.5)
        #expect(await !first.othersSentLately(), "the other's request left the window, its own last one did not")
        #expect(await second.othersSentLately(), "the first's last request is still in the window")
        let alone = RateBudget(limit: 0, store: store, clock: clock)
        #expect(await !alone.othersSentLately(), "without a limit nothing is shared")
    }

    @Test("processes on one runtime-directory file see each other's requests")
    func othersOnTheFile() async throws {
        let directory = try Self.temporaryDirectory()
        let name = RuntimeDirectory.keyedName("dv_key", "http://127.0.0.1:2")
        let first = RateBudget(limit: 300, store: FileBudgetStore(directory: directory, name: name))
        let second = RateBudget(limit: 300, store: FileBudgetStore(directory: directory, name: name))
        try await first.acquire()
        #expect(await !first.othersSentLately())
        try await second.acquire()
        #expect(await first.othersSentLately())
    }

    @Test("different keys keep separate budgets in the same directory")
    func separateKeys() async throws {
        let directory = try Self.temporaryDirectory()
        let one = RateBudget(limit: 2, store: FileBudgetStore(directory: directory, name: "key-a"))
        let two = RateBudget(limit: 2, store: FileBudgetStore(directory: directory, name: "key-b"))
        for _ in 0..<2 {
            try await one.acquire()
            try await two.acquire()
        }
        #expect(await one.usedInWindow() == 2)
        #expect(await two.usedInWindow() == 2)
    }

    @Test("Redis going away mid-run: requests carry on locally, one warning; Redis back: it is used again")
    func redisOutage() async throws {
        let redis = try RedisServerProcess(password: "hunter2-secret")
        let directory = try Self.temporaryDirectory()
        let log = try LogCapture()
        let logger = Logger(label: "test", level: .warning, fd: log.fd)
        let coordination = try Coordination.make(
            mode: try CoordinationMode(parsing: redis.url(database: 3)), secret: "dv_key", baseURL: "http://x",
            environment: ["DUVO_RUNTIME_DIR": directory.path], logger: logger)
        let budget = RateBudget(limit: 100, store: coordination.budgetStore)
        try await budget.acquire()
        #expect(await budget.usedInWindow() == 1)
        redis.stop()
        for _ in 0..<5 { try await budget.acquire() }
        #expect(await budget.usedInWindow() == 5, "the runtime directory's file counts while Redis is away")
        try redis.start()
        var used = 0
        for _ in 0..<100 where used != 1 {
            try await budget.acquire()
            used = await budget.usedInWindow()
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        #expect(used >= 1 && used < 5, "back on the (restarted, empty) Redis")
        let text = log.text
        #expect(text.components(separatedBy: "carrying on with").count == 2, "said once: \(text)")
        #expect(text.contains("reachable again"))
        #expect(!text.contains("hunter2-secret"), "the password never appears")
    }
}

/// A pipe a ``Logger`` can write to, read back by a test.
final class LogCapture: Sendable {
    let fd: Int32
    private let reader: PipeReader
    /// Kept so that both ends stay open as long as the capture lives.
    private let pipe: Pipe

    init() throws {
        pipe = Pipe()
        fd = pipe.fileHandleForWriting.fileDescriptor
        reader = PipeReader(pipe.fileHandleForReading)
    }

    /// What was logged so far.
    var text: String {
        usleep(50_000)
        return reader.text
    }
}

extension SharedBudgetTests {
    @Test("a Redis that stops answering (SIGSTOP) holds nobody up: a burst of requests goes on locally")
    func redisHangs() async throws {
        let redis = try RedisServerProcess()
        let directory = try Self.temporaryDirectory()
        let coordination = try Coordination.make(
            mode: try CoordinationMode(parsing: redis.url()), secret: "dv_key", baseURL: "http://x",
            environment: ["DUVO_RUNTIME_DIR": directory.path], logger: Logger(label: "test", level: .error))
        let budget = RateBudget(limit: 100, store: coordination.budgetStore)
        try await budget.acquire()
        redis.pause()
        defer { redis.resume() }
        // One 1 s timeout for all, not one per request queued behind it: 80 s would break the suite's time limit,
        // which is the hang guard here.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<80 { group.addTask { try await budget.acquire() } }
            try await group.waitForAll()
        }
        #expect(await budget.acquiredCount() == 81)
    }
}

extension SharedBudgetTests {
    @Test("on Redis too, statuses past the clients' share come from a paced reserve")
    func redisReserve() async throws {
        let redis = try RedisServerProcess()
        let store = RedisBudgetStore(client: RESPClient(endpoint: try RedisEndpoint(url: redis.url())), name: "r")
        let budget = RateBudget(limit: 12, store: store)  // clients 9 while statuses flow; reserve 3, bursts of 2
        await budget.expectStatusNews()
        for _ in 0..<9 { try await budget.acquire(.interactive) }
        try await budget.acquire(.status)
        try await budget.acquire(.status)
        let third = Task { try await budget.acquire(.status) }
        try await Task.sleep(nanoseconds: 300_000_000)
        #expect(await budget.usedInWindow() == 11, "the third waits about 20 s for the reserve to refill")
        third.cancel()
        await #expect(throws: CancellationError.self) { try await third.value }
    }
}

extension SharedBudgetTests {
    /// Two processes' background requests on `store`: one burst between them, then the pace.
    private func sharePace(_ makeStore: () throws -> any BudgetStore) async throws {
        // 6 background requests a minute: a burst of 3 for both together, then one every 10 s.
        let first = RateBudget(limit: 60, backgroundShare: 0.1, store: try makeStore())
        let second = RateBudget(limit: 60, backgroundShare: 0.1, store: try makeStore())
        try await first.acquire(.background)
        try await first.acquire(.background)
        try await second.acquire(.background)
        let paced = Task { try await second.acquire(.background) }
        try await Task.sleep(nanoseconds: 300_000_000)
        #expect(await first.usedInWindow() == 3, "the burst was the key's, not each process's")
        try await first.acquire(.interactive)
        #expect(await second.usedInWindow() == 4, "a client's call does not wait for the background pace")
        paced.cancel()
        await #expect(throws: CancellationError.self) { try await paced.value }
    }

    @Test("processes on one runtime-directory file keep one background pace")
    func filePace() async throws {
        let directory = try Self.temporaryDirectory()
        try await sharePace { FileBudgetStore(directory: directory, name: "pace") }
    }

    @Test("processes on one Redis keep one background pace")
    func redisPace() async throws {
        let redis = try RedisServerProcess()
        let endpoint = try RedisEndpoint(url: redis.url())
        try await sharePace { RedisBudgetStore(client: RESPClient(endpoint: endpoint), name: "pace") }
    }
}
