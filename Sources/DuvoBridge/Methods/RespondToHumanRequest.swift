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
        /// A list of `{question, answer}` items, or (as before) a map from question to answer.
        let answers: JSONValue?
        enum CodingKeys: String, CodingKey, CaseIterable {
            case runID = "run_id", requestID = "request_id", approved, answers
        }
    }

    static func handle(_ params: Params, bridge: Bridge, context: RPCRequestContext)
        async throws(BridgeFailure) -> MethodResult
    {
        let runID = try await bridge.run { _ throws(RunOperationError) in try RunID.checked(params.runID) }
        let answers = try answerMap(params.answers)
        return .answered(try await bridge.run { operations throws(RunOperationError) in
            try await operations.respond(runID, requestID: params.requestID, approved: params.approved,
                                         answers: answers)
        })
    }

    /// The answers as a map from question to answer, from either shape; nil when none are given.
    private static func answerMap(_ value: JSONValue?) throws(BridgeFailure) -> [String: JSONValue]? {
        switch value {
        case nil, .null?:
            return nil
        case .object(let map)?:
            return map
        case .array(let items)?:
            var map: [String: JSONValue] = [:]
            for (index, item) in items.enumerated() {
                guard let question = item["question"]?.stringValue, let answer = item["answer"],
                      item.objectValue?.count == 2 else {
                    throw BridgeFailure.invalidParams("answers[\(index)] must be an object with question (a string) "
                        + "and answer, and nothing else", field: "answers.\(index)")
                }
                guard map.updateValue(answer, forKey: question) == nil else {
                    throw BridgeFailure.invalidParams("answers names question '\(question.prefix(80))' twice",
                                                      field: "answers.\(index)")
                }
            }
            return map
        case let other?:
            throw BridgeFailure.invalidParams("'answers' must be a list of {question, answer} items (or a map from "
                + "question to answer), not \(other.kindDescription)", field: "answers")
        }
    }
}
