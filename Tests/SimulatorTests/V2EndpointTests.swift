import DuvoSimulator
import JSONCore
import TestSupport
import Testing

@Suite("API v2")
struct V2EndpointTests {
    let team = DefaultCredentials.team

    /// Starts runs of the named agents on the team path and waits until each has ended.
    private func finishedRuns(_ sim: SimulatorHarness, _ names: [String]) async throws -> [String: String] {
        var ids: [String: String] = [:]
        for name in names {
            let response = try await sim.send(
                "POST", "/v2/teams/\(team)/runs",
                body: ["agent_id": .string(try #require(BuiltInAgents.id(named: name)))])
            #expect(response.status == 201)
            ids[name] = try #require(response.json["run"]?["id"]?.stringValue)
        }
        for id in ids.values { try await sim.waitFor(id, ["completed", "failed", "interrupted"]) }
        return ids
    }

    @Test("v2 runs carry has_issues and issue_severity: failed critical, retried medium, interrupted low")
    func issueFlags() async throws {
        let sim = try SimulatorHarness(speed: 400)
        let ids = try await finishedRuns(sim, ["failing", "flaky", "interrupted", "echo"])
        let expected: [String: (Bool, JSONValue)] = [
            "failing": (true, "critical"), "flaky": (true, "medium"), "interrupted": (true, "low"),
            "echo": (false, .null),
        ]
        for (name, (hasIssues, severity)) in expected {
            let run = try await sim.send("GET", "/v2/runs/\(try #require(ids[name]))").json["run"]
            #expect(run?["has_issues"] == .bool(hasIssues), "\(name)")
            #expect(run?["issue_severity"] == severity, "\(name)")
        }
    }

    @Test("the v1 schema rejects a v2 run, so v1 answers never leak the v2 fields")
    func v1SchemaRejectsV2Fields() async throws {
        let sim = try SimulatorHarness(speed: 1)
        let check = try SchemaCheck()
        let id = try await sim.startRun("echo")
        let v2 = try await sim.send("GET", "/v2/runs/\(id)")
        let problems = check.validator.validateResponse(v2.json, path: "/v1/runs/{run_id}", method: "get", status: 200)
        #expect(problems.contains { $0.contains("has_issues") })
        check.expect(try await sim.send("GET", "/v1/runs/\(id)"), "get", "/v1/runs/{run_id}", status: 200)
    }

    @Test("v2 messages allow limit up to 100 and use the v1 message shape")
    func messages() async throws {
        let sim = try SimulatorHarness(speed: 400)
        let check = try SchemaCheck()
        let id = try await sim.startRun("chatty")
        try await sim.waitFor(id, ["completed"])
        let page = try await sim.send("GET", "/v2/runs/\(id)/messages?limit=100")
        #expect(page.status == 200)
        #expect(page.json["messages"]?.arrayValue?.count == 100)
        let schema = try #require(
            check.validator.responseSchema(path: "/v1/runs/{run_id}/messages", method: "get", status: 200))
        #expect(check.validator.validate(page.json, against: schema).isEmpty)
        #expect(try await sim.send("GET", "/v2/runs/\(id)/messages?limit=101").status == 400)
        let posted = try await sim.send("POST", "/v2/runs/\(id)/messages", body: ["message": "one more"])
        #expect(posted.status == 201)
    }

    @Test("the team list filters by agent, status, issues and since, and answers {data, total, limit, offset}")
    func listFilters() async throws {
        let sim = try SimulatorHarness(speed: 400)
        let ids = try await finishedRuns(sim, ["failing", "flaky", "interrupted", "echo", "echo"])
        let base = "/v2/teams/\(team)/runs"
        let all = try await sim.send("GET", base)
        #expect(all.status == 200)
        #expect(all.json["total"] == 5)
        #expect(all.json["limit"] == 20)
        #expect(all.json["offset"] == 0)
        let echo = try #require(BuiltInAgents.id(named: "echo"))
        let byAgent = try await sim.send("GET", "\(base)?agent_id=\(echo)").json
        #expect(byAgent["total"] == 2)
        #expect(byAgent["data"]?.arrayValue?.allSatisfy { $0["agent_id"]?.stringValue == echo } == true)
        #expect(try await sim.send("GET", "\(base)?status=failed,interrupted").json["total"] == 2)
        #expect(try await sim.send("GET", "\(base)?status=completed").json["total"] == 3)
        #expect(try await sim.send("GET", "\(base)?has_issues=true").json["total"] == 3)
        #expect(try await sim.send("GET", "\(base)?has_issues=false").json["total"] == 2)
        let critical = try await sim.send("GET", "\(base)?has_issues=true&issue_severity=critical&limit=50").json
        #expect(critical["data"]?.arrayValue?.map { $0["id"]?.stringValue } == [ids["failing"]])
        #expect(try await sim.send("GET", "\(base)?since=2000-01-01T00:00:00Z").json["total"] == 5)
        #expect(try await sim.send("GET", "\(base)?since=2999-01-01T00:00:00Z").json["total"] == 0)
        for query in [
            "since=yesterday", "status=done", "has_issues=maybe", "issue_severity=high", "limit=101", "limit=0",
            "offset=-1", "sort_by=name", "sort_order=up", "agent_id=abc",
        ] {
            let response = try await sim.send("GET", "\(base)?\(query)")
            #expect(response.status == 400, "\(query)")
            #expect(["invalid_field", "invalid_uuid"].contains(response.json["error"]?.stringValue ?? ""), "\(query)")
        }
        #expect(try await sim.send("GET", "\(base)?unknown_param=1").status == 200)
    }

    @Test("the team list sorts by the chosen field and order and pages with limit and offset")
    func listSortAndPaging() async throws {
        let sim = try SimulatorHarness(speed: 1)
        var created: [String] = []
        for _ in 0..<7 { created.append(try await sim.startRun("slow")) }
        let base = "/v2/teams/\(team)/runs"
        let newestFirst = try await sim.send("GET", base).json["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue }
        #expect(newestFirst == created.reversed())
        let oldestFirst = try await sim.send("GET", "\(base)?sort_by=created_at&sort_order=asc").json["data"]?
            .arrayValue?
            .compactMap { $0["id"]?.stringValue }
        #expect(oldestFirst == created)
        var paged: [String] = []
        var offset = 0
        while true {
            let page = try await sim.send("GET", "\(base)?limit=3&offset=\(offset)&sort_order=asc").json
            #expect(page["total"] == 7)
            let ids = page["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            paged += ids
            offset += 3
            if offset >= 7 { break }
        }
        #expect(paged == created)
        _ = try await sim.send("POST", "/v1/runs/\(created[2])/stop")
        let byCompletion = try await sim.send("GET", "\(base)?sort_by=completed_at").json["data"]?.arrayValue
        #expect(byCompletion?.first?["id"]?.stringValue == created[2])
    }

    @Test("POST /v2/teams/{team}/runs creates a v2 run in that team")
    func createInTeam() async throws {
        let sim = try SimulatorHarness(speed: 1)
        let response = try await sim.send(
            "POST", "/v2/teams/\(team)/runs",
            body: [
                "agent_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
                "webhook_url": "https://your-service.example.com/hooks/duvo",
            ])
        #expect(response.status == 201)
        #expect(response.json["run"]?["has_issues"] == false)
        #expect(response.json["run"]?["issue_severity"] == .null)
        #expect(try await sim.send("POST", "/v2/teams/\(team)/runs", body: ["agent_id": "nope"]).status == 400)
    }
}

@Suite("Authentication and teams")
struct AuthTests {
    @Test("a missing, malformed or unknown key is 401 unauthorized")
    func unauthorized() async throws {
        let sim = try SimulatorHarness(speed: 1)
        for headers in [
            [:], ["Authorization": "Bearer wrong"], ["Authorization": "Basic abc"], ["Authorization": "Bearer "],
        ] {
            let response = try await HTTPTestClient(defaultHeaders: headers).send(
                "GET", sim.baseURL + "/v2/teams/local-team/runs")
            #expect(response.status == 401)
            #expect(response.json["error"] == "unauthorized")
            #expect(response.headers["www-authenticate"] == "Bearer")
        }
    }

    @Test("a key sees only its teams: 403 on another team's path, 404 for another team's run")
    func teams() async throws {
        let sim = try SimulatorHarness(speed: 1, apiKeys: ["key-a:team-a", "key-b:team-b,team-c"])
        let a = HTTPTestClient.bearer("key-a")
        let b = HTTPTestClient.bearer("key-b")
        let echo = try #require(BuiltInAgents.id(named: "echo"))
        let created = try await a.send("POST", sim.baseURL + "/v1/runs", body: ["agent_id": .string(echo)])
        #expect(created.status == 201)
        let id = try #require(created.json["run"]?["id"]?.stringValue)
        #expect(try await b.send("GET", sim.baseURL + "/v1/runs/\(id)").status == 404)
        #expect(try await b.send("POST", sim.baseURL + "/v1/runs/\(id)/stop").status == 404)
        let forbidden = try await b.send("GET", sim.baseURL + "/v2/teams/team-a/runs")
        #expect(forbidden.status == 403)
        #expect(forbidden.json["error"] == "forbidden")
        #expect(
            try await b.send("POST", sim.baseURL + "/v2/teams/team-a/runs", body: ["agent_id": .string(echo)]).status
                == 403)
        #expect(try await b.send("GET", sim.baseURL + "/v2/teams/team-c/runs").json["total"] == 0)
        #expect(try await a.send("GET", sim.baseURL + "/v2/teams/team-a/runs").json["total"] == 1)
    }

    @Test("--api-key KEY joins every --team; with no flags the documented default key works")
    func keyTeams() async throws {
        let credentials = try Credentials(apiKeys: ["k1", "k2:solo"], teams: ["t1", "t2"])
        #expect(credentials.teams(for: "k1") == ["t1", "t2"])
        #expect(credentials.teams(for: "k2") == ["solo"])
        #expect(throws: CredentialsError.self) { try Credentials(apiKeys: ["k:"], teams: []) }
        let sim = try SimulatorHarness(speed: 1)
        let response = try await HTTPTestClient.bearer("dv_sim_local_key").send(
            "GET", sim.baseURL + "/v2/teams/local-team/runs")
        #expect(response.status == 200)
    }

    @Test("unknown paths are 404 and wrong methods 405 with Allow")
    func routing() async throws {
        let sim = try SimulatorHarness(speed: 1)
        let missing = try await sim.send("GET", "/v3/anything")
        #expect(missing.status == 404)
        #expect(missing.json["error"] == "not_found")
        let wrong = try await sim.send("PUT", "/v1/runs")
        #expect(wrong.status == 405)
        #expect(wrong.json["error"] == "method_not_allowed")
        #expect(wrong.headers["allow"] == "POST")
    }

    @Test("HEAD is answered as GET without the body, its length announced, as hosted HTTP APIs answer it")
    func head() async throws {
        let sim = try SimulatorHarness(speed: 1)
        let get = try await sim.send("GET", "/v2/teams/local-team/runs")
        let head = try await sim.send("HEAD", "/v2/teams/local-team/runs")
        #expect(head.status == 200)
        #expect(head.text.isEmpty)
        #expect(head.headers["content-length"] == get.headers["content-length"])
        #expect(try await sim.send("HEAD", "/v1/runs").status == 405, "POST only: no GET to stand for")
    }
}

@Suite("Rate limiting")
struct RateLimitTests {
    @Test("every authenticated answer carries the x-ratelimit headers, and going over is 429 with Retry-After")
    func limit() async throws {
        let sim = try SimulatorHarness(speed: 1, rateLimit: 3)
        var remaining: [String] = []
        for _ in 0..<3 {
            let response = try await sim.send("GET", "/v2/teams/local-team/runs")
            #expect(response.status == 200)
            #expect(response.headers["x-ratelimit-limit"] == "3")
            #expect(Int(response.headers["x-ratelimit-reset"] ?? "") ?? 0 >= 1)
            remaining.append(response.headers["x-ratelimit-remaining"] ?? "")
        }
        #expect(remaining == ["2", "1", "0"])
        let refused = try await sim.send("GET", "/v1/runs/00000000-0000-4000-8000-000000000000")
        #expect(refused.status == 429)
        #expect(refused.headers["date"]?.hasSuffix(" GMT") == true, "every answer carries Date, refusals too")
        #expect(refused.json["error"] == "rate_limited")
        #expect(Int(refused.headers["retry-after"] ?? "") ?? 0 >= 1)
        #expect(refused.headers["x-ratelimit-remaining"] == "0")
        let other = try await HTTPTestClient.bearer("other").send("GET", sim.baseURL + "/v2/teams/local-team/runs")
        #expect(other.status == 401)
    }

    @Test("--no-rate-limit-headers: no x-ratelimit headers anywhere, yet going over is still 429 with Retry-After")
    func withoutHeaders() async throws {
        let sim = try SimulatorHarness(speed: 1, rateLimit: 2, rateLimitHeaders: false)
        for _ in 0..<2 {
            let response = try await sim.send("GET", "/v2/teams/local-team/runs")
            #expect(response.status == 200)
            #expect(!response.headers.keys.contains { $0.hasPrefix("x-ratelimit") })
        }
        let refused = try await sim.send("GET", "/v2/teams/local-team/runs")
        #expect(refused.status == 429)
        #expect(Int(refused.headers["retry-after"] ?? "") ?? 0 >= 1)
        #expect(!refused.headers.keys.contains { $0.hasPrefix("x-ratelimit") })
    }

    // Keys of a few characters: the simulator registers its keys as secrets for the whole test process, and a
    // one-letter secret would be redacted from every other suite's output.
    @Test("keys are limited separately and 0 turns limiting off")
    func perKeyAndOff() async throws {
        let sim = try SimulatorHarness(speed: 1, rateLimit: 1, apiKeys: ["key-a", "key-b"])
        #expect(
            try await HTTPTestClient.bearer("key-a").send("GET", sim.baseURL + "/v2/teams/local-team/runs").status == 200)
        #expect(
            try await HTTPTestClient.bearer("key-a").send("GET", sim.baseURL + "/v2/teams/local-team/runs").status == 429)
        #expect(
            try await HTTPTestClient.bearer("key-b").send("GET", sim.baseURL + "/v2/teams/local-team/runs").status == 200)
        let unlimited = try SimulatorHarness(speed: 1, rateLimit: 0)
        for _ in 0..<5 {
            let response = try await unlimited.send("GET", "/v2/teams/local-team/runs")
            #expect(response.status == 200)
            #expect(response.headers["x-ratelimit-limit"] == nil)
        }
    }
}

@Suite("Server clock")
struct ServerClockTests {
    @Test("every answer carries an HTTP Date from the simulated clock, the clock the runs' timestamps come from")
    func dateHeader() async throws {
        let sim = try SimulatorHarness(speed: 50)
        let id = try await sim.startRun("slow")
        try await Task.sleep(nanoseconds: 200_000_000)
        let read = try await sim.send("GET", "/v1/runs/\(id)")
        let createdAt = try #require(read.json["run"]?["created_at"]?.stringValue.flatMap(Timestamp.parse))
        let date = try #require(read.headers["date"])
        // 0.2 s of real time is 10 simulated seconds: the Date runs on the simulated clock, not the wall clock. Only
        // the lower bound is certain; on a busy machine the read may come seconds of real time (minutes here) later.
        let later = (createdAt / 1000 + 5)...(createdAt / 1000 + 3600)
        let seconds = (0...3600).map { createdAt / 1000 + Int64($0) }.first { Timestamp.httpDate($0 * 1000) == date }
        #expect(seconds.map { later.contains($0) } == true, "Date \(date), created_at \(createdAt)")
    }
}
