import DuvoAPI
import JSONCore
import JSONRPC

/// `runs/respond`: answers the run's pending human request (approve/deny, or answers to its questions).
enum RespondToHumanRequest: BridgeMethod {
    static let name = "runs/respond"
    static let traits = MethodTraits.write
    static let toolName: String? = "duvo_respond_to_human_request"

    struct Params: BridgeParams {
        let runID: String
        let requestID: String?
        let approved: Bool?
        let answers: [String: JSONValue]?
        enum CodingKeys: String, CodingKey, CaseIterable {
            case runID = "run_id", requestID = "request_id", approved, answers
        }
    }

    static func handle(_ params: Params, bridge: Bridge, context: RPCRequestContext)
        async throws(BridgeFailure) -> JSONValue
    {
        try ParamChecks.uuid(params.runID, field: "run_id")
        if let requestID = params.requestID { try ParamChecks.uuid(requestID, field: "request_id") }
        for (key, value) in params.answers ?? [:] {
            let fits = value.stringValue != nil || (value.arrayValue?.allSatisfy { $0.stringValue != nil } ?? false)
            guard fits else {
                throw BridgeFailure.invalidParams("answer '\(key)' must be a string or an array of strings, not "
                    + value.kindDescription, field: "answers.\(key)")
            }
        }
        do {
            return try await bridge.client.respondToPending(runID: params.runID, requestID: params.requestID,
                                                            approved: params.approved, answers: params.answers)
        } catch {
            throw BridgeFailure(error)
        }
    }
}
