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

    static func handle(_ params: Params, bridge: Bridge, context: RPCRequestContext) async throws -> JSONValue {
        try ParamChecks.uuid(params.runID, field: "run_id")
        if let requestID = params.requestID { try ParamChecks.uuid(requestID, field: "request_id") }
        for (key, value) in params.answers ?? [:] {
            let fits = value.stringValue != nil || (value.arrayValue?.allSatisfy { $0.stringValue != nil } ?? false)
            guard fits else {
                throw RPCError.invalidParams("answer '\(key)' must be a string or an array of strings, not "
                    + value.kindDescription, field: "answers.\(key)")
            }
        }
        let client = bridge.client
        let snapshot = try await bridge.call { () async throws(DuvoAPIError) in try await client.getRun(params.runID) }
        let pending = snapshot["pending_human_request"] ?? .null
        guard let pendingID = pending["id"]?.stringValue else {
            throw RPCError(HumanResponseError.nothingPending(
                runStatus: snapshot["run"]?["status"]?.stringValue ?? "unknown"))
        }
        if let requestID = params.requestID, requestID.lowercased() != pendingID.lowercased() {
            throw RPCError(HumanResponseError.notThePendingRequest(given: requestID, pending: pendingID))
        }
        let body: JSONValue
        do {
            body = try HumanResponse(request: pending).body(approved: params.approved, answers: params.answers)
        } catch {
            throw RPCError(error)
        }
        return try await bridge.call { () async throws(DuvoAPIError) in
            try await client.respond(params.runID, requestID: pendingID, body: body)
        }
    }
}
