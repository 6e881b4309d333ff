import DuvoAPI
import JSONCore
import JSONRPC
import RunWatching

/// `runs/wait`: returns when the run ends (or, with `until: attention`, also when it waits for a person).
enum WaitForRun: BridgeMethod {
    static let name = "runs/wait"
    static let traits = MethodTraits.read
    static let toolName: String? = "duvo_wait_for_run"

    struct Params: BridgeParams {
        let runID: String
        let until: String?
        let timeoutS: Double?
        enum CodingKeys: String, CodingKey, CaseIterable { case runID = "run_id", until, timeoutS = "timeout_s" }
    }

    static func handle(_ params: Params, bridge: Bridge, context: RPCRequestContext)
        async throws(BridgeFailure) -> MethodResult
    {
        .waited(try await bridge.run { operations throws(RunOperationError) in
            let runID = try RunID.checked(params.runID)
            try ParameterChecks.oneOf(params.until, ["terminal", "attention"], field: "until")
            let condition = WaitCondition(rawValue: params.until ?? "terminal") ?? .terminal
            return try await operations.wait(runID, until: condition,
                                             timeout: params.timeoutS ?? RunOperations.defaultWait)
        })
    }
}
