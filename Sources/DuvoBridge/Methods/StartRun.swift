import DuvoAPI
import JSONCore
import JSONRPC

/// `runs/start`: starts a run of an agent; with `follow`, also subscribes to it.
enum StartRun: BridgeMethod {
    static let name = "runs/start"
    static let traits = MethodTraits.write
    static let toolName: String? = "duvo_start_run"

    struct Params: BridgeParams {
        let agentID: String
        let message: String?
        let sandboxID: String?
        let webhookURL: String?
        let follow: Bool?
        let teamID: String?
        enum CodingKeys: String, CodingKey, CaseIterable {
            case agentID = "agent_id", message, sandboxID = "sandbox_id", webhookURL = "webhook_url", follow
            case teamID = "team_id"
        }
    }

    static func handle(_ params: Params, bridge: Bridge, context: RPCRequestContext)
        async throws(BridgeFailure) -> JSONValue
    {
        try ParamChecks.uuid(params.agentID, field: "agent_id")
        try ParamChecks.nonEmpty(params.teamID, field: "team_id")
        // Statuses will flow for this run: from the first start of a burst, the starts leave the status reserve free.
        if params.follow == true { await bridge.client.budget.expectStatusNews() }
        let started = try await bridge.call { () async throws(DuvoAPIError) in
            try await bridge.client.startRun(agentID: params.agentID, message: params.message,
                                             sandboxID: params.sandboxID, webhookURL: params.webhookURL,
                                             teamID: params.teamID)
        }
        var result = started.json
        if params.follow == true {
            result["subscription"] = .string(await bridge.follows.follow(runID: started.run.id, offset: 0,
                                                                         knownRun: started.run, context: context))
        }
        return result
    }
}
