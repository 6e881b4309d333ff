import Diagnostics
import DuvoCLI
import Foundation
import KeyCoordination
import Testing
import TestSupport

/// `duvo webhooks`' receiver in process, on a real socket, publishing through a real runtime directory to two
/// subscribers (two "processes" on the key).
@Suite("Webhook receiver", .serialized, .timeLimit(.minutes(1)))
struct WebhookReceiverTests {
    private static let apiKey = "dv_receiver_test_key_0123456789"

    private struct Running {
        let receiver: WebhookReceiver
        let base: String
        let token: WebhookToken
        let subscriptions: [EventSubscription]
        let collectors: [StreamCollector<WebhookHint>]
    }

    private func start(window: Double = 0.25) throws -> Running {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("duvo-wh-\(UUID().uuidString)").path
        let directory = try RuntimeDirectory(path: path)
        let keyName = RuntimeDirectory.keyedName(Self.apiKey, "webhooks")
        let subscriptions = try (0..<2).map { _ in
            try DirectoryEventBus(directory: directory, keyName: keyName).subscribe()
        }
        let logger = Logger(label: "test webhooks", level: .error)
        let token = WebhookToken(apiKey: Self.apiKey)
        let publisher = WebhookPublisher(bus: try DirectoryEventBus(directory: directory, keyName: keyName),
                                         window: window, logger: logger)
        let receiver = WebhookReceiver(host: "127.0.0.1", port: 0, token: token, publisher: publisher, logger: logger)
        let port = try receiver.start()
        return Running(receiver: receiver, base: "http://127.0.0.1:\(port)", token: token,
                       subscriptions: subscriptions, collectors: subscriptions.map { StreamCollector($0.hints) })
    }

    private func body(_ run: String, _ event: String = "run_completed") -> Data {
        Data(#"{"event":"\#(event)","run_id":"\#(run)","status":"completed"}"#.utf8)
    }

    @Test("an event POSTed to the token's path is answered 204 and reaches every subscriber")
    func accepted() async throws {
        let running = try start()
        let client = HTTPTestClient()
        let answer = try await client.send("POST", running.base + "/" + running.token.value, rawBody: body("run_1"))
        #expect(answer.status == 204)
        let prefixed = try await client.send("POST", running.base + "/ingress/duvo/" + running.token.value,
                                             rawBody: body("run_2"))
        #expect(prefixed.status == 204, "an ingress may forward the token under a prefix")
        for collector in running.collectors {
            let hints = await collector.wait(for: 2)
            #expect(hints.map(\.runID) == ["run_1", "run_2"])
            #expect(hints.first?.event == "run_completed" && hints.first?.status == "completed")
        }
        await running.receiver.stop()
        running.subscriptions.forEach { $0.cancel() }
    }

    @Test("forged token, no token, wrong method, oversized and malformed bodies are refused, nothing published")
    func refused() async throws {
        let running = try start()
        let client = HTTPTestClient()
        let forged = WebhookToken(apiKey: "dv_someone_elses_key_0123456789").value
        let cases: [(String, String, Data?, Int)] = [
            ("POST", "/" + forged, body("forged"), 404),
            ("POST", "/", body("root"), 404),
            ("POST", "/" + running.token.value + "/more", body("suffix"), 404),
            ("GET", "/" + running.token.value, nil, 405),
            ("PUT", "/" + running.token.value, body("put"), 405),
            ("POST", "/" + running.token.value, Data(repeating: UInt8(ascii: " "), count: 5000), 413),
            ("POST", "/" + running.token.value, Data("{not json".utf8), 400),
            ("POST", "/" + running.token.value, Data(#"{"event":"run_failed"}"#.utf8), 400),
        ]
        for (method, path, payload, status) in cases {
            let answer = try await client.send(method, running.base + path, rawBody: payload)
            #expect(answer.status == status, "\(method) \(path.prefix(12))…: \(answer.status)")
            #expect(!answer.text.contains(running.token.value))
        }
        // One good event after the refusals: when it has arrived, anything published before it would have too.
        _ = try await client.send("POST", running.base + "/" + running.token.value, rawBody: body("good"))
        for collector in running.collectors {
            #expect(await collector.wait(for: 1).map(\.runID) == ["good"])
        }
        await running.receiver.stop()
        running.subscriptions.forEach { $0.cancel() }
    }

    @Test("a flood of events for one run publishes the first at once and holds the last, never losing it")
    func flood() async throws {
        // A window longer than the test: every event after the first is held, the newest replacing the rest.
        let running = try start(window: 600)
        let client = HTTPTestClient()
        let url = running.base + "/" + running.token.value
        for index in 0..<40 {
            let answer = try await client.send("POST", url, rawBody: body("run_busy", "event_\(index)"))
            #expect(answer.status == 204)
        }
        await running.receiver.stop()  // publishes what is still held
        for collector in running.collectors {
            let hints = await collector.wait(for: 2)
            #expect(hints.map(\.event) == ["event_0", "event_39"], "coalesced, and the last word is never lost")
        }
        running.subscriptions.forEach { $0.cancel() }
    }
}
