import DuvoAPI
import JSONCore
import JSONRPC

/// `runs/get`: a run and the human request it waits on, as Duvo returns them.
enum GetRun: BridgeMethod {
    static let name = "runs/get"
    static let traits = MethodTraits.read
    static let toolName: String? = "duvo_get_run"

    struct Params: BridgeParams {
        let runID: String
        enum CodingKeys: String, CodingKey, CaseIterable { case runID = "run_id" }
    }

    static func handle(_ params: Params, bridge: Bridge, context: RPCRequestContext)
        async throws(BridgeFailure) -> MethodResult
    {
        .run(try await bridge.run { operations throws(RunOperationError) in
            try await operations.get(try RunID.checked(params.runID))
        })
    }
}
