import JSONCore
import JSONRPC

/// `tools/call`: runs one tool; see ``ToolCall`` for how results and failures are shaped.
enum CallTool: RPCMethod {
    static let name = "tools/call"

    struct Params: Decodable, Sendable {
        let name: String
        let arguments: JSONValue?
        let meta: JSONValue?

        enum CodingKeys: String, CodingKey {
            case name, arguments, meta = "_meta"
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
