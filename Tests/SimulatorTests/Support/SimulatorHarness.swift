import Diagnostics
import DuvoSimulator
import Foundation
import JSONCore
import TestSupport
import Testing

/// An in-process simulator on a free port with a client for its default key; stopped on deinit.
final class SimulatorHarness: @unchecked Sendable {
    let simulator: Simulator
    let baseURL: String
    let client: HTTPTestClient

    init(
        speed: Double = 200, rateLimit: Int = 0, apiKeys: [String] = [], teams: [String] = [],
        faults: FaultSpec = FaultSpec(), seed: UInt64? = 1, extraAgents: [Scenario] = [],
        webhookRetryDelays: [Double] = [0.1, 0.2, 0.4], rateLimitHeaders: Bool = true,
        webhookFaults: WebhookFaultSpec = WebhookFaultSpec(), webhookAttemptTimeout: Double = 10,
        logger: Logger = Logger(label: "sim-test", level: .error)
    ) throws {
        var configuration = SimulatorConfiguration(
            port: 0, credentials: try Credentials(apiKeys: apiKeys, teams: teams), rateLimitPerMinute: rateLimit,
            speed: speed, extraAgents: extraAgents, faults: faults, seed: seed,
            logger: logger, webhookRetryDelays: webhookRetryDelays)
        configuration.rateLimitHeaders = rateLimitHeaders
        configuration.webhookFaults = webhookFaults
        configuration.webhookAttemptTimeout = webhookAttemptTimeout
        simulator = try Simulator(configuration: configuration)
        baseURL = try simulator.start()
        client = .bearer(apiKeys.first.map { String($0.prefix { $0 != ":" }) } ?? DefaultCredentials.apiKey)
    }

    deinit { simulator.stop() }

    /// `GET`/`POST` relative to the base URL with the default key.
    func send(_ method: String, _ path: String, body: JSONValue? = nil) async throws -> HTTPTestResponse {
        try await client.send(method, baseURL + path, body: body)
    }

    /// Starts a run of the built-in agent `name` via v1 and returns its id.
    func startRun(_ name: String, message: String? = nil, webhookURL: String? = nil) async throws -> String {
        var body: JSONValue = ["agent_id": .string(try #require(BuiltInAgents.id(named: name)))]
        if let message { body["message"] = .string(message) }
        if let webhookURL { body["webhook_url"] = .string(webhookURL) }
        let response = try await send("POST", "/v1/runs", body: body)
        guard response.status == 201, let id = response.json["run"]?["id"]?.stringValue else {
            throw HarnessError("starting \(name) answered \(response.status): \(response.text)")
        }
        return id
    }

    /// Polls `GET /v1/runs/{id}` until its status is one of `statuses` (up to 30 real seconds).
    @discardableResult
    func waitFor(_ id: String, _ statuses: Set<String>) async throws -> JSONValue {
        let deadline = Date().addingTimeInterval(30)
        var last: JSONValue = .null
        while Date() < deadline {
            last = try await send("GET", "/v1/runs/\(id)").json
            if let status = last["run"]?["status"]?.stringValue, statuses.contains(status) { return last }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw HarnessError("run \(id) never reached \(statuses.sorted()); last: \(last.jsonString)")
    }

    /// Every message of a run, paging through v2 with limit 100.
    func allMessages(_ id: String) async throws -> [JSONValue] {
        var result: [JSONValue] = []
        while true {
            let page = try await send("GET", "/v2/runs/\(id)/messages?limit=100&offset=\(result.count)").json
            let messages = page["messages"]?.arrayValue ?? []
            result += messages
            if messages.isEmpty || result.count >= page["total"]?.intValue ?? 0 { return result }
        }
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
