import DuvoAPI
import JSONCore
import JSONRPC

/// `runs/stop`: stops an active run; a no-op (success false) on one that has ended.
enum StopRun: BridgeMethod {
    static let name = "runs/stop"
    static let traits = MethodTraits(readOnly: false, destructive: true, idempotent: true)
    static let toolName: String? = "duvo_stop_run"

    struct Params: BridgeParams {
        let runID: String
        enum CodingKeys: String, CodingKey, CaseIterable { case runID = "run_id" }
    }

    static func handle(_ params: Params, bridge: Bridge, context: RPCRequestContext)
        async throws(BridgeFailure) -> MethodResult
    {
        .stopped(try await bridge.run { operations throws(RunOperationError) in
            try await operations.stop(try RunID.checked(params.runID))
        })
    }
}
