import DuvoAPI
import JSONCore
import JSONRPC
import RunWatching

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
        async throws(BridgeFailure) -> MethodResult
    {
        let follow = params.follow == true
        let request = RunOperations.StartRequest(agentID: params.agentID, message: params.message,
                                                 sandboxID: params.sandboxID, webhookURL: params.webhookURL,
                                                 teamID: params.teamID, willFollow: follow)
        let started = try await bridge.run { operations throws(RunOperationError) in
            try await operations.start(request)
        }
        guard follow else { return .started(started, subscription: nil) }
        // The answer stands for the follow's first look at the run: it is not read again.
        let subscription = try await bridge.follows.follow(RunID(unchecked: started.run.id), offset: 0,
                                                           known: started.run, context: context)
        return .started(started, subscription: subscription)
    }
}
