import DuvoAPI
import JSONCore
import JSONRPC

/// `runs/sendMessage`: posts a user message, which resumes a waiting, completed or interrupted run.
enum SendMessage: BridgeMethod {
    static let name = "runs/sendMessage"
    static let traits = MethodTraits.write
    static let toolName: String? = "duvo_send_message"

    struct Params: BridgeParams {
        let runID: String
        let message: String
        enum CodingKeys: String, CodingKey, CaseIterable { case runID = "run_id", message }
    }

    static func handle(_ params: Params, bridge: Bridge, context: RPCRequestContext)
        async throws(BridgeFailure) -> MethodResult
    {
        .posted(try await bridge.run { operations throws(RunOperationError) in
            try await operations.sendMessage(try RunID.checked(params.runID), text: params.message)
        })
    }
}
