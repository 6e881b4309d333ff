import DuvoAPI
import JSONCore
import JSONRPC
import RunWatching

/// `runs/wait`: returns when the run ends (or, with `until: attention`, also when it waits for a person).
enum WaitForRun: BridgeMethod {
    static let name = "runs/wait"
    static let traits = MethodTraits.read
    static let toolName: String? = "duvo_wait_for_run"
    /// The wait when none is given: ten minutes.
    static let defaultTimeout = 600.0

    struct Params: BridgeParams {
        let runID: String
        let until: String?
        let timeoutS: Double?
        enum CodingKeys: String, CodingKey, CaseIterable { case runID = "run_id", until, timeoutS = "timeout_s" }
    }

    static func handle(_ params: Params, bridge: Bridge, context: RPCRequestContext)
        async throws(BridgeFailure) -> JSONValue
    {
        try ParamChecks.uuid(params.runID, field: "run_id")
        try ParamChecks.oneOf(params.until, ["terminal", "attention"], field: "until")
        if let timeout = params.timeoutS, !(timeout > 0 && timeout <= 86_400) {
            throw BridgeFailure.invalidParams("'timeout_s' must be more than 0 and at most 86400 seconds", field: "timeout_s")
        }
        let condition = WaitCondition(rawValue: params.until ?? "terminal") ?? .terminal
        let outcome = try await bridge.call { () async throws(DuvoAPIError) in
            try await bridge.scheduler.wait(runID: params.runID, until: condition,
                                            timeout: params.timeoutS ?? defaultTimeout, client: bridge.client)
        }
        return outcome.json
    }
}
