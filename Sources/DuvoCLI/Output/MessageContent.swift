import DuvoAPI
import JSONCore

/// What a message says, as one short string: its text, or a compact form of its tool call or tool result.
///
/// The transcript and the docs' `content` field both use it, so the terminal and `--json` agree.
enum MessageContent {
    /// Longest rendering of tool arguments or results before it is cut with `…`.
    static let maxToolText = 200

    /// The message's text, else its tool result (`ok: …` / `error: …`), else its tool call (`name(args)`), else "".
    static func text(of message: Message) -> String {
        if let text = message.textContent { return text }
        if let result = message.toolResult {
            let outcome = toolOutcome(result)
            return (outcome.ok ? "ok: " : "error: ") + outcome.text
        }
        if let call = message.toolCall { return toolCall(call) }
        return ""
    }

    /// A tool call as `name({"arg":"value"})`, arguments cut to ``maxToolText``.
    static func toolCall(_ call: ToolCallPart) -> String {
        let arguments = call.arguments.map { JSONWriter(sortedKeys: true).string($0) } ?? ""
        return "\(call.name ?? "tool")(\(shortened(arguments)))"
    }

    /// A tool result: whether it succeeded, and its result JSON or error text (cut to ``maxToolText``).
    static func toolOutcome(_ result: ToolResultPart) -> (ok: Bool, text: String) {
        if let error = result.error {
            return (false, shortened(error.stringValue ?? JSONWriter(sortedKeys: true).string(error)))
        }
        let value = result.result.map { JSONWriter(sortedKeys: true).string($0) } ?? ""
        return (true, shortened(value))
    }

    /// `text` cut to ``maxToolText`` characters with a trailing `…`.
    static func shortened(_ text: String) -> String {
        text.count <= maxToolText ? text : String(text.prefix(maxToolText - 1)) + "…"
    }
}
