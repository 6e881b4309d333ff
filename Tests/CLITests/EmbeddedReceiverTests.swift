import ArgumentKit
import Diagnostics
import Foundation
import KeyCoordination
import RunWatching
import Testing
import TestSupport
@testable import DuvoCLI

/// `--simulate=private --webhooks local` in process: the endpoint starts the receiver of `duvo webhooks` on loopback,
/// a run started through the operations is given its URL, and the simulator's event reaches the key's bus.
@Suite("--simulate --webhooks local", .serialized, .timeLimit(.minutes(1)))
struct EmbeddedReceiverTests {
    @Test("the runs a process starts with --webhooks local are posted to its own receiver, which publishes on its bus")
    func eventsReachTheBus() async throws {
        let runtime = FileManager.default.temporaryDirectory.appendingPathComponent("duvo-embedded-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: runtime) }
        let environment = ["DUVO_RUNTIME_DIR": runtime.path]
        let command = Command("test", abstract: "", options: ConnectionOptions.options)
        guard case .command(let parsed) = try command.parse(["--simulate=private", "--sim-speed", "50",
                                                               "--webhooks", "local"], environment: environment)
        else {
            Issue.record("not a command")
            return
        }
        let endpoint = try ConnectionOptions.resolve(parsed, environment: environment,
                                                     logger: Logger(label: "test", level: .error))
        let webhooks = try #require(endpoint.webhooks)
        let receiver = try #require(endpoint.receiver)
        let key = try #require(endpoint.client.configuration.apiKey?.secret)
        #expect(webhooks.url.hasPrefix("http://127.0.0.1:"))
        #expect(webhooks.url.hasSuffix("/" + WebhookToken(apiKey: key).value))
        let subscription = try webhooks.events.subscribe()
        let hints = StreamCollector(subscription.hints)
        let operations = RunOperations(client: endpoint.client, webhook: webhooks.url) {
            PollScheduler(client: endpoint.client, coordination: endpoint.coordination, logger: Logger(label: "test"))
        }
        let echo = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
        let started = try await operations.start(.init(agentID: echo, message: "hi"))
        let arrived = await hints.wait(for: 1, within: 30)
        #expect(arrived.first?.runID == started.run.id && arrived.first?.event == "run_completed", "\(arrived)")
        subscription.cancel()
        await receiver.stop()
        endpoint.simulator?.stop()
    }
}
