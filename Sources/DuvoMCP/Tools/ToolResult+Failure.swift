import DuvoBridge
import JSONRPC

extension ToolResult {
    /// A failed call explained for a model: what went wrong and what to do about it.
    static func failure(_ error: RPCError, tool: ToolDefinition) -> ToolResult {
        .failure("\(tool.name) failed: \(error.message)" + advice(for: error, tool: tool))
    }

    private static func advice(for error: RPCError, tool: ToolDefinition) -> String {
        let sentence: String
        if error.data?["outcome_unknown"] == true {
            // The check is already in the message: repeating the call could do the work twice.
            return ""
        }
        switch error.code {
        case .invalidParams:
            let required = Set((tool.inputSchema["required"]?.arrayValue ?? []).compactMap(\.stringValue))
            let names = tool.argumentNames.map { required.contains($0) ? "\($0) (required)" : $0 }
            sentence = "Fix the arguments and call again; \(tool.name) takes: \(names.joined(separator: ", "))."
        case .notFound:
            sentence = "Check the id: duvo_list_runs lists recent runs, and simulator or Duvo agent ids come from "
                + "the user."
        case .rejected:
            sentence = "Duvo rejected the request as invalid; change the arguments rather than retrying as is."
        case .rateLimited:
            let wait = error.data?["retry_after_s"]?.doubleValue.map { " (about \(Int($0.rounded(.up))) s)" } ?? ""
            sentence = "Duvo's rate limit is exhausted; wait\(wait) before calling again."
        case .upstreamUnavailable, .networkError, .timeout, .upstreamError:
            sentence = "This is likely temporary: try again in a moment."
        case .tooManyFollows:
            sentence = "Wait for some of the runs being watched to end, then call again."
        case .notConfigured, .unauthorized, .forbidden:
            sentence = "The server's configuration must be fixed by a person; calling again will not help."
        default:
            return ""
        }
        let separator = error.message.hasSuffix(".") ? " " : ". "
        return separator + sentence
    }
}
