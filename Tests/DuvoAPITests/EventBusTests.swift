import Diagnostics
import Foundation
import KeyCoordination
import Platform
import Testing
import TestSupport

/// The bus between processes, each "process" a subscription of its own, on a real directory and a real Redis.
@Suite("Webhook event bus", .serialized, .timeLimit(.minutes(1)))
struct EventBusTests {
    private static func temporaryDirectory() throws -> RuntimeDirectory {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("duvo-ev-\(UUID().uuidString)").path
        return try RuntimeDirectory(path: path)
    }

    private static let keyName = RuntimeDirectory.keyedName("dv_bus_test_key", "webhooks")

    private func hint(_ run: String) -> WebhookHint {
        WebhookHint(runID: run, event: "run_completed", status: "completed", receivedAt: 1)!
    }

    /// Every subscriber gets every hint published after it subscribed; a cancelled one stops getting them.
    private func deliverToEverySubscriber(_ bus: any EventBus, _ other: any EventBus) async throws {
        let first = try bus.subscribe()
        let second = try other.subscribe()
        let firstHints = StreamCollector(first.hints)
        let secondHints = StreamCollector(second.hints)
        // Subscribed before anything is published (Redis keeps nothing for a subscriber not yet there).
        for health in [StreamCollector(first.health), StreamCollector(second.health)] {
            #expect(await health.wait(for: 1).first == .receiving)
        }
        try await bus.publish(hint("run_a"))
        try await other.publish(hint("run_b"))
        #expect(await firstHints.wait(for: 2).map(\.runID) == ["run_a", "run_b"])
        #expect(await secondHints.wait(for: 2).map(\.runID) == ["run_a", "run_b"])
        first.cancel()
        try await Task.sleep(nanoseconds: 500_000_000)
        try await bus.publish(hint("run_c"))
        #expect(await secondHints.wait(for: 3).map(\.runID) == ["run_a", "run_b", "run_c"])
        #expect(firstHints.collected.count == 2, "a cancelled subscription receives nothing more")
        second.cancel()
    }

    @Test("through the runtime directory, every subscriber on the key gets each hint")
    func directory() async throws {
        let directory = try Self.temporaryDirectory()
        try await deliverToEverySubscriber(try DirectoryEventBus(directory: directory, keyName: Self.keyName),
                                           try DirectoryEventBus(directory: directory, keyName: Self.keyName))
    }

    @Test("the runtime directory's folder is private, and a cancelled subscription removes its socket")
    func directoryHygiene() async throws {
        let directory = try Self.temporaryDirectory()
        let bus = try DirectoryEventBus(directory: directory, keyName: Self.keyName)
        #expect(Platform.linkStatus(path: bus.folder)?.permissions == 0o700)
        let subscription = try bus.subscribe()
        let sockets = try FileManager.default.contentsOfDirectory(atPath: bus.folder)
        #expect(sockets.count == 1 && sockets[0].hasSuffix(".sock"))
        #expect(Platform.linkStatus(path: bus.folder + "/" + sockets[0])?.permissions == 0o600)
        subscription.cancel()
        let deadline = Date().addingTimeInterval(5)
        while try !FileManager.default.contentsOfDirectory(atPath: bus.folder).isEmpty, Date() < deadline {
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: bus.folder).isEmpty)
    }

    @Test("a socket whose process ended without removing it is removed by the next publish")
    func staleSocket() async throws {
        let directory = try Self.temporaryDirectory()
        let bus = try DirectoryEventBus(directory: directory, keyName: Self.keyName)
        let stale = bus.folder + "/1-dead.sock"
        guard case .success(let fd) = Platform.UnixDatagram.bind(path: stale) else {
            Issue.record("cannot bind \(stale)")
            return
        }
        Platform.close(fd)  // as a killed process leaves it: the file stays, nobody reads it
        let live = try bus.subscribe()
        let hints = StreamCollector(live.hints)
        try await bus.publish(hint("run_a"))
        #expect(await hints.wait(for: 1).count == 1, "the live subscriber still gets it")
        #expect(!FileManager.default.fileExists(atPath: stale))
        live.cancel()
    }

    @Test("hints on another key's bus do not arrive")
    func otherKey() async throws {
        let directory = try Self.temporaryDirectory()
        let mine = try DirectoryEventBus(directory: directory, keyName: Self.keyName)
        let theirs = try DirectoryEventBus(directory: directory,
                                           keyName: RuntimeDirectory.keyedName("dv_other_key", "webhooks"))
        let subscription = try mine.subscribe()
        let hints = StreamCollector(subscription.hints)
        try await theirs.publish(hint("run_x"))
        try await mine.publish(hint("run_a"))
        #expect(await hints.wait(for: 1).map(\.runID) == ["run_a"])
        try await Task.sleep(nanoseconds: 200_000_000)
        #expect(hints.collected.map(\.runID) == ["run_a"])
        subscription.cancel()
    }

    @Test("through Redis, every subscriber on the key gets each hint")
    func redis() async throws {
        let redis = try RedisServerProcess(password: "bus-secret-password")
        let endpoint = try RedisEndpoint(url: redis.url())
        try await deliverToEverySubscriber(RedisEventBus(client: RESPClient(endpoint: endpoint), keyName: Self.keyName),
                                           RedisEventBus(client: RESPClient(endpoint: endpoint), keyName: Self.keyName))
    }

    @Test("a Redis subscriber says when Redis is gone, and receives again once it is back")
    func redisOutage() async throws {
        let redis = try RedisServerProcess()
        let endpoint = try RedisEndpoint(url: redis.url())
        let bus = RedisEventBus(client: RESPClient(endpoint: endpoint), keyName: Self.keyName, pingInterval: 0.5)
        let subscription = try bus.subscribe()
        let hints = StreamCollector(subscription.hints)
        let health = StreamCollector(subscription.health)
        #expect(await health.wait(for: 1) == [.receiving])
        redis.stop()
        let down = await health.wait(for: 2)
        guard down.count == 2, case .unavailable(let reason) = down[1] else {
            Issue.record("no outage reported: \(down)")
            return
        }
        #expect(reason.contains("Redis at"))
        try redis.start()
        #expect(await health.wait(for: 3, within: 20).last == .receiving)
        try await bus.publish(hint("run_back"))
        #expect(await hints.wait(for: 1).map(\.runID) == ["run_back"])
        subscription.cancel()
    }

    @Test("a subscriber of an unreachable Redis reports it at once instead of waiting")
    func redisUnreachable() async throws {
        let endpoint = try RedisEndpoint(url: "redis://127.0.0.1:1")
        let subscription = try RedisEventBus(client: RESPClient(endpoint: endpoint), keyName: Self.keyName).subscribe()
        let health = StreamCollector(subscription.health)
        let first = await health.wait(for: 1)
        guard case .unavailable(let reason)? = first.first else {
            Issue.record("expected unavailable, got \(first)")
            return
        }
        #expect(reason.contains("connect"))
        subscription.cancel()
    }
}
