import Diagnostics
import Foundation
import JSONCore
import KeyCoordination
import Testing
import TestSupport
import Time

/// The sweep lease and results, the same test body on the runtime directory's files and on Redis.
@Suite("Sweep coordination", .serialized, .timeLimit(.minutes(1)))
struct SweepCoordinatorTests {
    /// Two coordinators ("processes") of one key and team, made by `make(participant)`.
    private func leaseAndResults(_ make: (String) throws -> any SweepCoordinator) async throws {
        let first = try make("first")
        let second = try make("second")
        #expect(try await first.acquireOrRenew(lifetime: 5), "the lease is free")
        #expect(try await second.acquireOrRenew(lifetime: 5) == false, "one leader at a time")
        #expect(try await first.acquireOrRenew(lifetime: 5), "the leader renews")
        #expect(try await second.latest() == nil)
        let snapshot = SweepSnapshot(sequence: 7, takenAt: 1_800_000_000.5, leader: "first",
                                     payload: ["runs": [["id": "r1", "status": "running"]]])
        try await first.publish(snapshot)
        #expect(try await second.latest() == snapshot, "every process reads the leader's results")
        try await second.release()
        #expect(try await second.acquireOrRenew(lifetime: 5) == false, "only the holder can release")
        try await first.release()
        #expect(try await second.acquireOrRenew(lifetime: 0.2), "released: the next one leads at once")
        try await Task.sleep(nanoseconds: 400_000_000)
        #expect(try await first.acquireOrRenew(lifetime: 5), "an expired lease passes on")
        #expect(try await second.acquireOrRenew(lifetime: 5) == false, "and its old holder cannot renew it")
    }

    @Test("the runtime directory's lease: one leader, results for all, released and expired leases pass on")
    func fileLease() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("duvo-rt-\(UUID().uuidString)").path
        let directory = try RuntimeDirectory(path: path)
        let name = RuntimeDirectory.keyedName("dv_key", "http://x", "team")
        try await leaseAndResults { FileSweepCoordinator(directory: directory, name: name, participant: $0) }
    }

    @Test("the Redis lease: one leader, results for all, released and expired leases pass on")
    func redisLease() async throws {
        let redis = try RedisServerProcess()
        let endpoint = try RedisEndpoint(url: redis.url(database: 1))
        let name = RuntimeDirectory.keyedName("dv_key", "http://x", "team")
        try await leaseAndResults {
            RedisSweepCoordinator(client: RESPClient(endpoint: endpoint), name: name, participant: $0)
        }
    }

    @Test("a file lease whose holder process is gone is free at once, before it expires")
    func deadHolder() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("duvo-rt-\(UUID().uuidString)").path
        let directory = try RuntimeDirectory(path: path)
        let name = RuntimeDirectory.keyedName("k")
        // A lease left by a process that no longer exists (an exited child's pid), valid for another hour.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try ChildProcesses.run(child)
        child.waitUntilExit()
        let file = directory.file("sweep-\(name).lease")
        try "holder ghost \(child.processIdentifier) \(MonotonicClock.now() + 3)  \(BootID.current.text)\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let coordinator = FileSweepCoordinator(directory: directory, name: name, participant: "heir")
        #expect(try await coordinator.acquireOrRenew(lifetime: 5), "the ghost holds nothing")
    }
}

extension SweepCoordinatorTests {
    @Test("old coordination files are pruned, and a process whose lock file was pruned locks the new one")
    func pruning() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("duvo-rt-\(UUID().uuidString)").path
        let directory = try RuntimeDirectory(path: path)
        let early = FileBudgetStore(directory: directory, name: "k")
        let budget = RateBudget(limit: 5, store: early)
        try await budget.acquire()
        for name in try FileManager.default.contentsOfDirectory(atPath: path) {
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -7200)],
                                                  ofItemAtPath: directory.file(name))
        }
        try "keep".write(toFile: directory.file("unrelated"), atomically: true, encoding: .utf8)
        #expect(directory.prune(olderThan: 3600) == 1, "the ledger, which is its own lock file")
        let late = RateBudget(limit: 5, store: FileBudgetStore(directory: directory, name: "k"))
        try await late.acquire()
        try await budget.acquire()
        #expect(await late.usedInWindow() == 2, "both count in the one file that exists now")
        #expect(FileManager.default.fileExists(atPath: directory.file("unrelated")))
    }

    private static func temporaryDirectory() throws -> RuntimeDirectory {
        try RuntimeDirectory(path: FileManager.default.temporaryDirectory
            .appendingPathComponent("duvo-rt-\(UUID().uuidString)").path)
    }

    @Test("a lease of a live pid written on another boot, or expiring beyond its term, holds nothing")
    func impossibleLeases() async throws {
        let directory = try Self.temporaryDirectory()
        let name = RuntimeDirectory.keyedName("k")
        let file = directory.file("sweep-\(name).lease")
        let coordinator = FileSweepCoordinator(directory: directory, name: name, participant: "heir")
        let live = getpid()
        let other = try #require(BootID(text: "01234567-89ab-cdef-0123-456789abcdef"))
        let here = BootID.current.text
        // What the lease line holds after its pid: expiry (seconds from now) and boot id.
        let leases: [(String, Int32, Double, String, Bool)] = [
            ("another boot", live, 3, " " + other.text, true),
            ("30 days ahead", live, 30 * 86400, " " + here, true),
            ("no boot id", live, 3, "", true),
            ("pid 0, a process group", 0, 3, " " + here, true),
            ("a real one", live, 3, " " + here, false),
        ]
        for (what, pid, ahead, boot, free) in leases {
            let line = "holder other \(pid) \(MonotonicClock.now() + ahead)\(boot)\n"
            try line.write(toFile: file, atomically: true, encoding: .utf8)
            #expect(try await coordinator.acquireOrRenew(lifetime: 5) == free, "\(what)")
        }
    }

    @Test("symbolic links planted for the lease's temporary and lock files are never followed")
    func plantedLinks() async throws {
        for suffix in [".lease.tmp", ".lease.lock"] {
            let directory = try Self.temporaryDirectory()
            let name = RuntimeDirectory.keyedName("k")
            let outside = FileManager.default.temporaryDirectory.appendingPathComponent("duvo-out-\(UUID().uuidString)")
            try Data("precious".utf8).write(to: outside)
            defer { try? FileManager.default.removeItem(at: outside) }
            let link = directory.file("sweep-\(name)\(suffix)")
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: outside.path)
            let coordinator = FileSweepCoordinator(directory: directory, name: name, participant: "me")
            if suffix == ".lease.lock" {
                // The lock file cannot be replaced under other processes' locks: it is refused.
                do {
                    _ = try await coordinator.acquireOrRenew(lifetime: 5)
                    Issue.record("the lock file's link was followed")
                } catch {
                    #expect("\(error)".contains("symbolic link"), "\(error)")
                }
            } else {
                // The temporary file is made anew: the link is removed, not written through.
                #expect(try await coordinator.acquireOrRenew(lifetime: 5))
                #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: link)) == nil)
            }
            #expect(try Data(contentsOf: outside) == Data("precious".utf8), "\(suffix): the file outside is untouched")
        }
    }

    @Test("a results file grown past 16 MiB by anyone is refused, not read into memory")
    func hugeResults() async throws {
        let directory = try Self.temporaryDirectory()
        let name = RuntimeDirectory.keyedName("k")
        let path = directory.file("sweep-\(name).results")
        #expect(FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        for _ in 0..<17 { try handle.write(contentsOf: Data(repeating: 0x20, count: 1 << 20)) }
        try handle.close()
        let coordinator = FileSweepCoordinator(directory: directory, name: name, participant: "me")
        do {
            _ = try await coordinator.latest()
            Issue.record("a 17 MiB file was read")
        } catch {
            #expect("\(error)".contains("larger than"), "\(error)")
        }
    }

    @Test("a runtime directory whose lease cannot be used: this process sweeps alone, and says so once")
    func leaseUnusable() async throws {
        let directory = try Self.temporaryDirectory()
        let logPath = directory.path + ".log"
        let logFD = open(logPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        #expect(logFD >= 0)
        defer { close(logFD) }
        let logger = Logger(label: "test", level: .warning, fd: logFD)
        let coordination = try Coordination.make(mode: .runtimeDirectory, secret: "dv_key", baseURL: "http://x",
                                                 environment: ["DUVO_RUNTIME_DIR": directory.path], logger: logger)
        let name = RuntimeDirectory.keyedName(RuntimeDirectory.keyedName("dv_key", "http://x"), "team")
        // A lock file that cannot be used (a planted link, like a full disk or a lock held too long) for good.
        try FileManager.default.createSymbolicLink(atPath: directory.file("sweep-\(name).lease.lock"),
                                                   withDestinationPath: "/dev/null")
        let sweeps = try #require(coordination.sweeps(team: "team"))
        for _ in 0..<3 { #expect(try await sweeps.acquireOrRenew(lifetime: 5), "it leads its own sweeps") }
        let text = try String(contentsOfFile: logPath, encoding: .utf8)
        #expect(text.components(separatedBy: "carrying on with sweeps of this process alone").count == 2, "\(text)")
    }
}
