import DuvoAPI
import Foundation
import Synchronization

/// A transport that answers from a script and records what was sent, for testing retry and error rules.
final class ScriptedTransport: HTTPTransport {
    enum Step: Sendable {
        case answer(Int, String, [String: String] = [:])
        case fail(TransportError)
    }

    private let state: Mutex<(steps: [Step], sent: [(method: String, url: String, headers: [String: String])])>

    init(_ steps: [Step]) {
        state = Mutex((steps, []))
    }

    var sentCount: Int { state.withLock { $0.sent.count } }
    var sentURLs: [String] { state.withLock { $0.sent.map(\.url) } }

    func send(method: String, url: URL, headers: [String: String], body: [UInt8]?,
              timeout: TimeInterval) async throws(TransportError) -> APIResponse {
        let step: Step = state.withLock { state in
            state.sent.append((method, url.absoluteString, headers))
            return state.steps.isEmpty ? .answer(500, "{}") : state.steps.removeFirst()
        }
        switch step {
        case .answer(let status, let body, let headers):
            return APIResponse(status: status, headers: headers, body: Array(body.utf8))
        case .fail(let error):
            throw error
        }
    }
}

extension DuvoClient {
    static func scripted(_ transport: ScriptedTransport, version: APIVersion = .v1, team: String? = nil) -> DuvoClient {
        let configuration = DuvoConfiguration(
            apiKey: APIKey("dv_secret_key_123"), baseURL: URL(string: "http://127.0.0.1:9")!, apiVersion: version,
            teamID: team, rateLimitPerMinute: 0, retry: RetryPolicy(maxAttempts: 3, baseDelay: 0.001, maxDelay: 0.01))
        return DuvoClient(configuration: configuration, transport: transport)
    }
}
