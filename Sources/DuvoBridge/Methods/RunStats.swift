import DuvoAPI
import JSONCore
import JSONRPC

/// `runs/stats`: counts by status, failure rate and duration percentiles over a team's runs (API v2).
enum RunStats: BridgeMethod {
    static let name = "runs/stats"
    static let traits = MethodTraits.read
    static let toolName: String? = "duvo_run_stats"

    struct Params: BridgeParams {
        let agentID: String?
        let since: String?
        let teamID: String?
        enum CodingKeys: String, CodingKey, CaseIterable { case agentID = "agent_id", since, teamID = "team_id" }
    }

    static func handle(_ params: Params, bridge: Bridge, context: RPCRequestContext)
        async throws(BridgeFailure) -> MethodResult
    {
        .statistics(try await bridge.run { operations throws(RunOperationError) in
            try await operations.stats(agentID: params.agentID, since: params.since, teamID: params.teamID)
        })
    }
}
