import JSONCore

/// One message of a run's log, as stored; encoded to the API's message shape by ``MessageEncoding``.
struct MessageRecord: Sendable {
    enum Kind: String, Sendable {
        case userMessage = "user_message"
        case assistantMessage = "assistant_message"
        case toolCall = "tool_call"
        case toolResult = "tool_result"
        case humanRequest = "human_request"
        case humanResponse = "human_response"

        /// The role the API reports for this kind.
        var role: String {
            switch self {
            case .userMessage, .humanResponse: "user"
            case .assistantMessage, .toolCall, .humanRequest: "assistant"
            case .toolResult: "tool"
            }
        }
    }

    /// A tool invocation: the same on the call and on its result.
    struct ToolCall: Sendable {
        var id: String
        var name: String
        var arguments: [String: JSONValue]
    }

    /// A tool's outcome: a result or an error text.
    enum ToolOutcome: Sendable {
        case result(JSONValue)
        case error(String)
    }

    var id: String
    var kind: Kind
    /// Simulated milliseconds since the epoch at which the message was scheduled.
    var timestamp: Int64
    var text: String?
    var toolCall: ToolCall?
    var toolOutcome: ToolOutcome?
}
