import Foundation
import JSONCore
import Testing
import TestSupport

/// How `duvo rpc` holds its memory; spawns the binary, since the setting is the process's own.
@Suite("Memory of duvo rpc", .timeLimit(.minutes(2)))
struct MemoryTests {
    @Test("calls that block several threads at once all allocate from one malloc arena")
    func oneArena() async throws {
        // Every answer takes 1.5 s, so concurrent calls hold as many of the executor's threads at once.
        let simulator = try SimulatorProcess(extraArguments: ["--faults", "latency=1:1500ms", "--log-level", "error"])
        defer { simulator.stop() }
        let bridge = try RPCProcess(arguments: ["rpc", "--log-level", "warn"],
                                    environment: RPCProcess.cleanEnvironment(adding: [
                                        "DUVO_BASE_URL": simulator.baseURL, "DUVO_API_KEY": "dv_test_memory",
                                        "DUVO_TEAM_ID": "acme",
                                    ]))
        let calls = 6
        let busiest = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<calls {
                group.addTask {
                    _ = try await bridge.request("runs/get", ["run_id": .string(UUID().uuidString.lowercased())])
                    return 0
                }
            }
            group.addTask { await Self.mostThreads(named: "duvo-blocking", of: bridge.pid, seconds: 20) }
            var most = 0
            for try await count in group { most = max(most, count) }
            return most
        }
        #expect(busiest >= 4, "the calls did not run at once: \(busiest) blocking threads")
        // The threads that took the answers live on for 10 s: their arenas, if any, are mapped now.
        let arenas = try Self.mallocArenaHeaps(of: bridge.pid)
        #expect(arenas == 0, "\(arenas) malloc arenas besides the main one")
        bridge.closeInput()
        #expect(await bridge.waitForExit() == 0)
    }

    /// The most threads called `name` seen in `pid` within `seconds` (sampled every 20 ms; stops once 6 are seen).
    private static func mostThreads(named name: String, of pid: Int32, seconds: Double) async -> Int {
        let deadline = Date().addingTimeInterval(seconds)
        var most = 0
        while Date() < deadline, most < 6 {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
            let count = tasks.filter { task in
                let comm = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/comm", encoding: .utf8)
                return comm?.trimmingCharacters(in: .whitespacesAndNewlines) == name
            }.count
            most = max(most, count)
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        return most
    }

    /// How many heaps of glibc's extra malloc arenas `pid` maps: each is a region of 64 MiB (`HEAP_MAX_SIZE` on
    /// 64-bit) aligned to its size, whose used part is read-write and the rest reserved (`---p`) right after it.
    private static func mallocArenaHeaps(of pid: Int32) throws -> Int {
        let heapSize: UInt64 = 64 << 20
        let maps = try String(contentsOfFile: "/proc/\(pid)/maps", encoding: .utf8)
        // Anonymous mappings: `start-end perms offset device inode`, no path.
        let regions = maps.split(separator: "\n").compactMap { line -> (start: UInt64, end: UInt64, perms: String)? in
            let fields = line.split(separator: " ")
            let bounds = fields.first?.split(separator: "-") ?? []
            guard fields.count == 5, bounds.count == 2, let start = UInt64(bounds[0], radix: 16),
                  let end = UInt64(bounds[1], radix: 16) else { return nil }
            return (start, end, String(fields[1]))
        }
        var heaps = 0
        for (index, region) in regions.enumerated() where region.perms == "rw-p" && region.start % heapSize == 0 {
            let next = index + 1 < regions.count ? regions[index + 1] : nil
            let reservedEnd = next.flatMap { $0.start == region.end && $0.perms == "---p" ? $0.end : nil }
            if (reservedEnd ?? region.end) == region.start + heapSize { heaps += 1 }
        }
        return heaps
    }
}
