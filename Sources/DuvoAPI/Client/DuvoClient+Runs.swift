import Foundation
import JSONCore
import KeyCoordination

extension DuvoClient {
    /// The largest page `GET /runs/{id}/messages` accepts on the configured version (50 on v1, 100 on v2).
    package var maxMessagePageSize: Int { configuration.apiVersion == .v1 ? 50 : 100 }

    private var version: String { configuration.apiVersion.rawValue }

    private func runPath(_ runID: String, _ suffix: String = "") -> String {
        "/\(version)/runs/\(Self.encode(runID))\(suffix)"
    }

    private func teamRunsPath(team: String?, operation: String) throws(DuvoAPIError) -> String {
        guard let team = team ?? configuration.teamID else { throw DuvoAPIError.missingTeam(for: operation) }
        return "/v2/teams/\(Self.encode(team))/runs"
    }

    /// Starts a run: `POST /v2/teams/{team}/runs` on v2 with a team, else `POST /v1/runs` (which needs none). Never
    /// sent again once it may have reached Duvo: when the answer is lost, the run is looked for instead (see
    /// ``recoverStart(after:agentID:message:teamID:sentAt:write:)``).
    /// - Returns: the run, marked ``StartedRun/recovered`` when it was found that way.
    package func startRun(agentID: String, message: String?, sandboxID: String?, webhookURL: String?,
                         teamID: String? = nil) async throws(DuvoAPIError) -> StartedRun {
        var body: [String: JSONValue] = ["agent_id": .string(agentID)]
        if let message { body["message"] = .string(message) }
        if let sandboxID { body["sandbox_id"] = .string(sandboxID) }
        if let webhookURL { body["webhook_url"] = .string(webhookURL) }
        let path: String
        if configuration.apiVersion == .v2, let team = teamID ?? configuration.teamID {
            path = "/v2/teams/\(Self.encode(team))/runs"
        } else {
            // The route the API reference documents needs no team: an API key alone can start a run.
            if configuration.apiVersion == .v2 {
                logger.debug("start run: no team configured (DUVO_TEAM_ID or team_id), so through POST /v1/runs")
            }
            path = "/v1/runs"
        }
        let sentAt = Date()
        return try await tracked(Self.writeIdentity("start", agentID, message)) { write throws(DuvoAPIError) in
            do throws(DuvoAPIError) {
                let started = try await send(APIRequest(.post, path, body: .object(body), operation: "start run"),
                                             as: StartedRun.self)
                recovery.noteAnswered(started.run.id)
                return started
            } catch where error.mayHaveReachedDuvo {
                logger.info("start run: \(error.what); looking for the run it may have created")
                return try await recoverStart(after: error, agentID: agentID, message: message, teamID: teamID,
                                              sentAt: sentAt, write: write)
            }
        }
    }

    /// Reads a run and its pending human request: `GET /runs/{id}`.
    package func getRun(_ runID: String, priority: RateBudget.Priority = .interactive)
        async throws(DuvoAPIError) -> RunRead
    {
        try await send(APIRequest(.get, runPath(runID), operation: "get run"), as: RunRead.self, priority: priority)
    }

    /// Reads one page of a run's messages: `GET /runs/{id}/messages?limit&offset`.
    package func messages(_ runID: String, limit: Int?, offset: Int?, priority: RateBudget.Priority = .interactive)
        async throws(DuvoAPIError) -> MessagePage
    {
        try await datedMessages(runID, limit: limit, offset: offset, priority: priority).page
    }

    /// Like ``messages(_:limit:offset:priority:)``, with the server's clock when it answered.
    package func datedMessages(_ runID: String, limit: Int?, offset: Int?, priority: RateBudget.Priority = .interactive)
        async throws(DuvoAPIError) -> DatedMessagePage
    {
        var query: [(String, String)] = []
        if let limit { query.append(("limit", String(limit))) }
        if let offset { query.append(("offset", String(offset))) }
        let operation = "list messages"
        let answer = try await answer(APIRequest(.get, runPath(runID, "/messages"), query: query,
                                                 operation: operation), priority: priority)
        return DatedMessagePage(page: try MessagePage(decoding: answer.body, operation: operation),
                                serverDate: answer.serverDate)
    }

    /// Posts a user message, which resumes a waiting, completed or interrupted run. Never sent again once it may
    /// have reached Duvo: when the answer is lost, the message is looked for among the run's newest.
    /// - Returns: the message, marked ``PostedMessage/recovered`` when it was found that way.
    package func postMessage(_ runID: String, text: String) async throws(DuvoAPIError) -> PostedMessage {
        let sentAt = Date()
        return try await tracked(Self.writeIdentity("message", runID, text)) { write throws(DuvoAPIError) in
            do throws(DuvoAPIError) {
                let posted = try await send(APIRequest(.post, runPath(runID, "/messages"),
                                                       body: ["message": .string(text)], operation: "send message"),
                                            as: PostedMessage.self)
                if let id = posted.message.id { recovery.noteAnswered(id) }
                return posted
            } catch where error.mayHaveReachedDuvo {
                logger.info("send message: \(error.what); looking for the message among the run's newest")
                return try await recoverMessage(after: error, runID: runID, text: text, sentAt: sentAt, write: write)
            }
        }
    }

    /// Answers a human-in-the-loop request with `{"approved": …}` or `{"answers": {…}}`. Never retried once sent.
    package func respond(_ runID: String, requestID: String, body: JSONValue)
        async throws(DuvoAPIError) -> AnsweredRequest
    {
        let path = runPath(runID, "/human-requests/\(Self.encode(requestID))/respond")
        do {
            return try await send(APIRequest(.post, path, body: body, operation: "respond to human request"),
                                  as: AnsweredRequest.self)
        } catch where error.mayHaveReachedDuvo {
            throw .outcomeUnknown(failure: error, check: Self.respondCheck)
        }
    }

    /// Stops a run (a no-op on a run that is not active). Safe to retry: stopping twice is stopping once.
    package func stopRun(_ runID: String) async throws(DuvoAPIError) -> StopOutcome {
        try await send(APIRequest(.post, runPath(runID, "/stop"), isIdempotent: true, operation: "stop run"),
                       as: StopOutcome.self)
    }

    /// Lists a team's runs (v2 only): `GET /v2/teams/{team}/runs`.
    /// - Throws: ``DuvoAPIError/unsupported(_:)`` on v1, ``DuvoAPIError/missingTeam(for:)`` without a team.
    package func listRuns(_ filter: RunListFilter, teamID: String? = nil,
                         priority: RateBudget.Priority = .interactive) async throws(DuvoAPIError) -> RunPage {
        guard configuration.apiVersion == .v2 else {
            throw .unsupported("listing runs needs API v2 (GET /v2/teams/{team}/runs); set DUVO_API_VERSION=v2 "
                + "and DUVO_TEAM_ID")
        }
        let path = try teamRunsPath(team: teamID, operation: "listing runs")
        return try await send(APIRequest(.get, path, query: filter.queryItems, operation: "list runs"),
                              as: RunPage.self, priority: priority)
    }

    /// Whether team-wide listing is available, which lets follows watch many runs with one request.
    package var canListRuns: Bool { configuration.apiVersion == .v2 && configuration.teamID != nil }
}
