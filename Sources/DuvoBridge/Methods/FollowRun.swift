import DuvoAPI
import JSONCore
import JSONRPC

/// `runs/follow`: subscribes to a run's messages and status changes, pushed as notifications until it ends.
enum FollowRun: BridgeMethod {
    static let name = "runs/follow"
    static let traits = MethodTraits.read
    static let toolName: String? = nil

    struct Params: BridgeParams {
        let runID: String
        let offset: Int?
        enum CodingKeys: String, CodingKey, CaseIterable { case runID = "run_id", offset }
    }

    static func handle(_ params: Params, bridge: Bridge, context: RPCRequestContext)
        async throws(BridgeFailure) -> JSONValue
    {
        try ParamChecks.uuid(params.runID, field: "run_id")
        try ParamChecks.range(params.offset, 0...Int.max, field: "offset")
        await bridge.client.budget.expectStatusNews()
        // A wrong id must be an error answer, not a subscription that ends at once. Under team-wide sweeps, the next
        // sweep usually shows the run exists (it changed lately), which costs no request; otherwise read it.
        var read: RunRead?
        if await !bridge.scheduler.listedBySweeps(params.runID) {
            read = try await bridge.call { () async throws(DuvoAPIError) in
                try await bridge.client.getRun(params.runID)
            }
        }
        // The read stands for the follow's first look at the run, so that it is not read twice.
        let subscription = await bridge.follows.follow(runID: params.runID, offset: params.offset ?? 0,
                                                       knownRun: read?.run, context: context)
        return ["subscription": .string(subscription)]
    }
}

/// `runs/unfollow`: ends a follow early; its last notification is `runs/followEnded` with reason `unfollowed`.
enum UnfollowRun: BridgeMethod {
    static let name = "runs/unfollow"
    static let traits = MethodTraits(readOnly: true, destructive: false, idempotent: true)
    static let toolName: String? = nil

    struct Params: BridgeParams {
        let subscription: String
        enum CodingKeys: String, CodingKey, CaseIterable { case subscription }
    }

    static func handle(_ params: Params, bridge: Bridge, context: RPCRequestContext)
        async throws(BridgeFailure) -> JSONValue
    {
        ["success": .bool(await bridge.follows.unfollow(params.subscription))]
    }
}
