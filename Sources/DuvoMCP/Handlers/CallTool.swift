import JSONCore
import JSONRPC

/// `tools/call`: runs one tool; see ``ToolCall`` for how results and failures are shaped.
enum CallTool: RPCMethod {
    static let name = "tools/call"

    struct Params: Decodable, Sendable {
        let name: String
        let arguments: JSONValue?
        let meta: JSONValue?
        /// 2026: the client's answers to an earlier round's `inputRequests`.
        let inputResponses: JSONValue?
        /// 2026: the opaque state of an earlier round's `input_required` result, echoed back.
        let requestState: String?

        enum CodingKeys: String, CodingKey {
            case name, arguments, meta = "_meta", inputResponses, requestState
        }

        /// The token the client wants `notifications/progress` under, when it gave one.
        var progressToken: JSONValue? {
            guard let token = meta?["progressToken"] else { return nil }
            switch token {
            case .string, .number: return token
            default: return nil
            }
        }
    }

    typealias Result = JSONValue
}
