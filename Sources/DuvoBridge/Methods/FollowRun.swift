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
        async throws(BridgeFailure) -> MethodResult
    {
        let runID = try await bridge.run { _ throws(RunOperationError) in try RunID.checked(params.runID) }
        let subscription = try await bridge.follows.follow(runID, offset: params.offset ?? 0, context: context)
        return .followed(subscription: subscription)
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
        async throws(BridgeFailure) -> MethodResult
    {
        .unfollowed(await bridge.follows.unfollow(params.subscription))
    }
}
