import HTTPServer
import JSONCore

/// The run endpoints shared by both API versions; `version` decides the run shape and message page size.
struct RunEndpoints: Sendable {
    let store: RunStore
    let catalog: AgentCatalog

    static let createFields = ["agent_id", "message", "sandbox_id", "webhook_url"]

    /// `POST /v1/runs` and `POST /v2/teams/{team}/runs`: 201 `{run}`.
    func create(_ context: RequestContext, team: String, version: APIVersion) throws(APIError) -> HTTPResponse {
        let body = try RequestBody(context.request, allowed: Self.createFields)
        let agentID = try UUIDFormat.require(try body.requiredString("agent_id"), name: "agent_id")
        let message = try body.string("message")
        let sandboxID = try body.string("sandbox_id")
        let webhookURL = try body.string("webhook_url")
        if let webhookURL, !RequestBody.isWebURL(webhookURL) {
            throw .invalidField(
                "Field 'webhook_url' must be an absolute http(s) URL such as https://example.com/hooks/duvo.")
        }
        guard let agent = catalog.agent(id: agentID) else {
            throw .notFound("No agent with id \(agentID); list the agents with `duvo sim agents`.")
        }
        let run = store.create(team: team, agent: agent, message: message, sandboxID: sandboxID, webhookURL: webhookURL)
        return JSONResponse.make(201, ["run": RunEncoding.run(run, version: version)])
    }

    /// `GET /runs/{run_id}`: 200 `{run, pending_human_request}`.
    func get(_ context: RequestContext, version: APIVersion) throws(APIError) -> HTTPResponse {
        let id = try runID(context)
        guard let run = store.run(id, teams: context.teams) else { throw .runNotFound(id) }
        return JSONResponse.make(
            200,
            [
                "run": RunEncoding.run(run, version: version),
                "pending_human_request": RunEncoding.pendingRequest(run),
            ])
    }

    /// `GET /runs/{run_id}/messages`: 200 `{messages, total, limit, offset}`, oldest first.
    func messages(_ context: RequestContext, version: APIVersion) throws(APIError) -> HTTPResponse {
        let id = try runID(context)
        let limit = try context.query.integer("limit", default: 20, range: 1...version.maxMessagesLimit)
        let offset = try context.query.integer("offset", default: 0, range: 0...Int.max)
        guard let run = store.run(id, teams: context.teams) else { throw .runNotFound(id) }
        let page = run.messages.dropFirst(offset).prefix(limit)
        return JSONResponse.make(
            200,
            [
                "messages": .array(page.map(RunEncoding.message)),
                "total": .int(run.messages.count), "limit": .int(limit), "offset": .int(offset),
            ])
    }

    /// `POST /runs/{run_id}/messages`: 201 `{message}`; resumes a waiting, completed or interrupted run.
    func post(_ context: RequestContext) throws(APIError) -> HTTPResponse {
        let id = try runID(context)
        let body = try RequestBody(context.request, allowed: ["message"])
        let text = try body.requiredString("message")
        guard !text.isEmpty else { throw .invalidField("Field 'message' must not be empty.") }
        let message = try store.update(id, teams: context.teams) { run, now in run.post(text, at: now) }
        return JSONResponse.make(201, ["message": RunEncoding.message(message)])
    }

    /// `POST /runs/{run_id}/human-requests/{request_id}/respond`: 200 `{human_request}`.
    func respond(_ context: RequestContext) throws(APIError) -> HTTPResponse {
        let id = try runID(context)
        let requestID = try UUIDFormat.require(context.parameter("request_id"), name: "request_id")
        let body = try RequestBody(context.request, allowed: ["answers", "approved"], emptyAsObject: true)
        let reply = HumanReply(approved: try body.bool("approved"), answers: try body.stringMap("answers"))
        let answered = try store.update(id, teams: context.teams) { run, now throws(APIError) in
            try run.respond(to: requestID, with: reply, at: now)
        }
        return JSONResponse.make(200, ["human_request": RunEncoding.answeredRequest(answered)])
    }

    /// `POST /runs/{run_id}/stop`: 200 `{success, message}`; a no-op (success false) on a finished run.
    func stop(_ context: RequestContext) throws(APIError) -> HTTPResponse {
        let id = try runID(context)
        let outcome = try store.update(id, teams: context.teams) { run, now in run.stop(at: now) }
        return JSONResponse.make(200, ["success": .bool(outcome.success), "message": .string(outcome.message)])
    }

    private func runID(_ context: RequestContext) throws(APIError) -> String {
        try UUIDFormat.require(context.parameter("run_id"), name: "run_id")
    }
}
