import Diagnostics
import Digest
import KeyCoordination
import Testing

@Suite("Webhook tokens and hints")
struct WebhookTokenTests {
    @Test("every process derives the same token from the key, another key another token, and it hides the key")
    func derivation() {
        let token = WebhookToken(apiKey: "dv_test_key_one_0123456789")
        #expect(token.value == WebhookToken(apiKey: "dv_test_key_one_0123456789").value)
        #expect(token.value != WebhookToken(apiKey: "dv_test_key_two_0123456789").value)
        #expect(token.value.utf8.count == 64 && Hex.decode(token.value) != nil)
        let expected = HMACSHA256(key: Array("dv_test_key_one_0123456789".utf8))
            .authenticationCode(for: Array("duvo-bridge webhook v1".utf8))
        #expect(token.value == Hex.encode(expected), "an HMAC of the fixed label under the key")
    }

    @Test("only the token itself matches: not a prefix, not a longer string, not another key's token")
    func matching() {
        let token = WebhookToken(apiKey: "dv_test_key_one_0123456789")
        #expect(token.matches(token.value))
        #expect(token.matches(token.value.uppercased()), "hex in either case names the same bytes")
        #expect(!token.matches(String(token.value.dropLast())))
        #expect(!token.matches(token.value + "0"))
        #expect(!token.matches(""))
        #expect(!token.matches(WebhookToken(apiKey: "dv_test_key_two_0123456789").value))
        var flipped = Array(token.value.utf8)
        flipped[63] = flipped[63] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        #expect(!token.matches(String(decoding: flipped, as: UTF8.self)))
        #expect(!token.matches(String(repeating: "z", count: 64)), "not hex")
    }

    @Test("the webhook URL is the base, one slash, the token, whatever the base ends with")
    func url() {
        let token = WebhookToken(apiKey: "dv_test_key_one_0123456789")
        for base in ["https://hooks.example.com/duvo", "https://hooks.example.com/duvo/",
                     "https://hooks.example.com/duvo//"] {
            #expect(token.webhookURL(base: base) == "https://hooks.example.com/duvo/" + token.value)
        }
    }

    @Test("the token is redacted from logs and errors like the key")
    func redacted() {
        let token = WebhookToken(apiKey: "dv_test_key_three_0123456789")
        #expect(!SecretRedactor.redact("POST /hooks/\(token.value) failed").contains(token.value))
    }

    @Test("Duvo's body becomes a hint; what is not one is refused saying why")
    func payloads() throws {
        let hint = try WebhookHint(
            payload: Array(#"{"event":"run_completed","run_id":"run_1","status":"completed","extra":1}"#.utf8),
            receivedAt: 5)
        #expect(hint.runID == "run_1" && hint.event == "run_completed" && hint.status == "completed")
        #expect(WebhookHint(encoded: hint.encoded) == hint, "a hint crosses processes unchanged")
        let refusals: [(String, String)] = [
            ("not json", "not JSON"), ("[1]", "not a JSON object"), (#"{"event":"run_failed"}"#, "'run_id'"),
            (#"{"run_id":"r"}"#, "'event'"), (#"{"run_id":"","event":"e"}"#, "'run_id'"),
            (#"{"run_id":"r\n","event":"e"}"#, "control characters"),
            ("{\"run_id\":\"\(String(repeating: "r", count: 129))\",\"event\":\"e\"}", "longer than 128"),
        ]
        for (body, reason) in refusals {
            #expect(throws: WebhookPayloadError.self) { try WebhookHint(payload: Array(body.utf8), receivedAt: 0) }
            do {
                _ = try WebhookHint(payload: Array(body.utf8), receivedAt: 0)
            } catch {
                #expect(error.description.contains(reason), "\(body): \(error.description)")
            }
        }
        #expect(WebhookHint(encoded: Array("{}".utf8)) == nil)
    }
}

@Suite("Hint throttle: a few publishes per run per second, the last word kept")
struct HintThrottleTests {
    private func hint(_ run: String, _ event: String, at time: Double) -> WebhookHint {
        WebhookHint(runID: run, event: event, status: "", receivedAt: time)!
    }

    @Test("a run's second event within the window is held, replaced by a third, and published when it ends")
    func leadingAndTrailing() {
        var throttle = HintThrottle(window: 0.25)
        #expect(throttle.offer(hint("a", "human_request", at: 0), now: 0) == .publish)
        #expect(throttle.offer(hint("b", "run_failed", at: 0.01), now: 0.01) == .publish, "runs are independent")
        #expect(throttle.offer(hint("a", "run_interrupted", at: 0.1), now: 0.1) == .held)
        #expect(throttle.offer(hint("a", "run_completed", at: 0.2), now: 0.2) == .held)
        #expect(throttle.nextDue == 0.25)
        #expect(throttle.due(now: 0.24).isEmpty)
        #expect(throttle.due(now: 0.25).map(\.event) == ["run_completed"], "only the latest held one")
        #expect(throttle.offer(hint("a", "run_completed", at: 0.3), now: 0.3) == .held, "a new window began at 0.25")
        #expect(throttle.due(now: 0.5).count == 1)
        #expect(throttle.offer(hint("a", "run_completed", at: 0.8), now: 0.8) == .publish)
    }

    @Test("a flood of events for one run publishes at most one per window")
    func flood() {
        var throttle = HintThrottle(window: 0.25)
        var published = 0
        for step in 0..<1000 {
            let now = Double(step) * 0.001
            if throttle.offer(hint("a", "run_completed", at: now), now: now) == .publish { published += 1 }
            published += throttle.due(now: now).count
        }
        #expect(published <= 5, "one second of 1000 events: at most 1 + 4 windows")
    }

    @Test("memory stays bounded: quiet runs are forgotten, and beyond capacity new runs are dropped")
    func bounded() {
        var throttle = HintThrottle(window: 0.25, capacity: 3)
        for run in ["a", "b", "c"] { #expect(throttle.offer(hint(run, "e", at: 0), now: 0) == .publish) }
        #expect(throttle.offer(hint("d", "e", at: 0.1), now: 0.1) == .dropped)
        #expect(throttle.offer(hint("d", "e", at: 0.3), now: 0.3) == .publish, "the others went quiet")
        #expect(throttle.trackedRuns == 1)
    }
}
