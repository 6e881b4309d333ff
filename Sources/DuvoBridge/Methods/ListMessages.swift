import DuvoAPI
import JSONCore
import JSONRPC

/// `runs/messages`: one page of a run's messages, or every message with `all`.
enum ListMessages: BridgeMethod {
    static let name = "runs/messages"
    static let traits = MethodTraits.read
    static let toolName: String? = "duvo_list_messages"

    struct Params: BridgeParams {
        let runID: String
        let limit: Int?
        let offset: Int?
        let all: Bool?
        enum CodingKeys: String, CodingKey, CaseIterable { case runID = "run_id", limit, offset, all }
    }

    static func handle(_ params: Params, bridge: Bridge, context: RPCRequestContext)
        async throws(BridgeFailure) -> MethodResult
    {
        .messages(try await bridge.run { operations throws(RunOperationError) in
            try await operations.messages(try RunID.checked(params.runID), limit: params.limit, offset: params.offset,
                                          all: params.all == true)
        })
    }
}
