import DuvoAPI
import Foundation
import JSONCore
import Testing

@Suite("Client core: retries, errors and paths")
struct DuvoClientTests {
    let runID = "550e8400-e29b-41d4-a716-446655440000"

    @Test("a read is retried through 5xx and dropped connections, then succeeds")
    func readRetried() async throws {
        let transport = ScriptedTransport([.answer(503, "{}"), .fail(.connectionLost("reset")),
                                           .answer(200, #"{"run":{"id":"x","status":"running"}}"#)])
        let body = try await DuvoClient.scripted(transport).getRun(runID)
        #expect(body.run.status == .running)
        #expect(transport.sentCount == 3)
    }

    @Test("riding out a 429 storm does not use up the retries a later 5xx is owed")
    func stormThenFailure() async throws {
        let storm = (0..<6).map { _ in ScriptedTransport.Step.answer(429, #"{"error":"rate_limited"}"#, ["retry-after": "0"]) }
        let transport = ScriptedTransport(storm + [.answer(500, "{}"), .answer(200, #"{"run":{"id":"x","status":"running"}}"#)])
        let body = try await DuvoClient.scripted(transport).getRun(runID)
        #expect(body.run.id == "x")
        #expect(transport.sentCount == 8)
    }

    @Test("starting a run is never retried once it may have reached Duvo: no duplicate runs")
    func startNotRetried() async {
        let transport = ScriptedTransport([.answer(502, #"{"error":"bad_gateway"}"#), .answer(201, "{}")])
        await #expect(throws: DuvoAPIError.self) {
            try await DuvoClient.scripted(transport).startRun(agentID: runID, message: nil, sandboxID: nil,
                                                              webhookURL: nil)
        }
        #expect(transport.sentCount == 1)
        let dropped = ScriptedTransport([.fail(.connectionLost("reset")), .answer(201, "{}")])
        await #expect(throws: DuvoAPIError.self) {
            try await DuvoClient.scripted(dropped).postMessage(runID, text: "hi")
        }
        #expect(dropped.sentMethods.filter { $0 == "POST" }.count == 1, "looked for, never posted twice")
    }

    @Test("a write is retried after a 429 or a refused connection, which prove Duvo did not act on it")
    func writeRetriedWhenSafe() async throws {
        let transport = ScriptedTransport([.answer(429, #"{"error":"rate_limited"}"#, ["retry-after": "0"]),
                                           .fail(.connectFailed("refused")), .answer(201, #"{"run":{"id":"r","status":"pending"}}"#)])
        let body = try await DuvoClient.scripted(transport).startRun(agentID: runID, message: "go", sandboxID: nil,
                                                                     webhookURL: nil)
        #expect(body.run.id == "r")
        #expect(transport.sentCount == 3)
    }

    @Test("Duvo's error body is carried into a typed error whose message never holds the key")
    func errorsCarryDuvoWords() async {
        let transport = ScriptedTransport([.answer(404, #"{"error":"not_found","message":"Run not found"}"#)])
        do {
            _ = try await DuvoClient.scripted(transport).getRun(runID)
            Issue.record("expected an error")
        } catch {
            guard case .notFound(let upstream) = error else {
                Issue.record("expected notFound, got \(error)")
                return
            }
            #expect(upstream.httpStatus == 404)
            #expect(upstream.error == "not_found")
            #expect(error.message.contains("Run not found"))
            #expect(!error.message.contains("dv_secret_key_123"))
            #expect(!String(describing: error).contains("dv_secret_key_123"))
        }
    }

    @Test("no key: a clear error saying how to set one, and nothing is sent")
    func missingKey() async {
        let transport = ScriptedTransport([])
        let configuration = DuvoConfiguration(apiKey: nil, baseURL: URL(string: "http://127.0.0.1:9")!)
        let client = DuvoClient(configuration: configuration, transport: transport)
        await #expect(throws: DuvoAPIError.missingKey) { try await client.getRun(runID) }
        #expect(DuvoAPIError.missingKey.message.contains("DUVO_API_KEY"))
        #expect(transport.sentCount == 0)
    }

    @Test("paths follow the API version; ids cannot escape their path segment")
    func paths() async throws {
        let run = #"{"run":{"id":"r","status":"pending"}}"#
        let v2 = ScriptedTransport([.answer(200, run), .answer(201, run)])
        let client = DuvoClient.scripted(v2, version: .v2, team: "team-1")
        _ = try await client.getRun("../teams/x")
        _ = try await client.startRun(agentID: runID, message: nil, sandboxID: nil, webhookURL: nil)
        #expect(v2.sentURLs == ["http://127.0.0.1:9/v2/runs/..%2Fteams%2Fx", "http://127.0.0.1:9/v2/teams/team-1/runs"])
        await #expect(throws: DuvoAPIError.self) { try await DuvoClient.scripted(v2).listRuns(RunListFilter()) }
    }

    @Test("a key alone starts a run on v2: with no team, through POST /v1/runs; listing still names the team")
    func teamlessStart() async throws {
        let transport = ScriptedTransport([.answer(201, #"{"run":{"id":"\#(runID)","status":"pending"}}"#)])
        let noTeam = DuvoClient.scripted(transport, version: .v2)
        let body = try await noTeam.startRun(agentID: runID, message: "hi", sandboxID: nil, webhookURL: nil)
        #expect(body.run.id == runID)
        #expect(transport.sentURLs == ["http://127.0.0.1:9/v1/runs"])
        await #expect(throws: DuvoAPIError.missingTeam(for: "listing runs")) {
            try await noTeam.listRuns(RunListFilter())
        }
        #expect(transport.sentCount == 1)
    }

    @Test("configuration reads DUVO_* variables and a key file, and rejects a bad version or URL")
    func configuration() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("duvo-key-\(getpid())")
        try "dv_from_file\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let resolved = try DuvoConfiguration.resolve(environment: [
            "DUVO_API_KEY": "dv_env", "DUVO_API_KEY_FILE": file.path, "DUVO_BASE_URL": "http://localhost:1/",
            "DUVO_API_VERSION": "V1", "DUVO_TEAM_ID": "t",
        ])
        #expect(resolved.apiKey?.secret == "dv_from_file")
        #expect(resolved.baseURL.absoluteString == "http://localhost:1")
        #expect(resolved.apiVersion == .v1)
        #expect(resolved.teamID == "t")
        #expect("\(resolved.apiKey!)" == "[redacted]")
        #expect(throws: DuvoAPIError.self) { try DuvoConfiguration.resolve(environment: ["DUVO_API_VERSION": "v3"]) }
        #expect(throws: DuvoAPIError.self) { try DuvoConfiguration.resolve(environment: ["DUVO_BASE_URL": "ftp://x"]) }
    }
}
