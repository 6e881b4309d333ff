import JSONCore

/// Lays out a run's messages for people: a role label, then the text; tool calls as `→ name(args)`, their results
/// as `← ok …` or `← error …`, human requests and answers highlighted.
struct TranscriptRenderer: Sendable {
    /// The colours to use.
    let palette: Palette

    private static let labelWidth = 10

    /// The lines showing `message`.
    func lines(for message: JSONValue) -> [String] {
        let role = message["role"]?.stringValue ?? "?"
        let type = message["type"]?.stringValue ?? ""
        let body: String
        if type == "human_request" {
            body = palette.attention("✋ needs a human: " + (message["text_content"]?.stringValue ?? "a response"))
        } else if type == "human_response" {
            body = palette.green("✓ answered: ") + (message["text_content"]?.stringValue ?? "")
        } else if let result = message["tool_result"], result.objectValue != nil {
            let outcome = MessageContent.toolOutcome(result)
            body = outcome.ok ? palette.green("← ok") + " " + palette.dim(outcome.text)
                : palette.red("← error: " + outcome.text)
        } else if let call = message["tool_call"], call.objectValue != nil, message["text_content"] == nil {
            body = palette.blue("→ ") + MessageContent.toolCall(call)
        } else {
            body = message["text_content"]?.stringValue ?? MessageContent.text(of: message)
        }
        let label = roleLabel(role)
        let indent = String(repeating: " ", count: Self.labelWidth + 1)
        let bodyLines = body.split(separator: "\n", omittingEmptySubsequences: false)
        var result: [String] = []
        for (index, text) in bodyLines.enumerated() {
            result.append((index == 0 ? label : indent) + text)
        }
        return result.isEmpty ? [label] : result
    }

    private func roleLabel(_ role: String) -> String {
        let padded = role.padding(Self.labelWidth) + " "
        switch role {
        case "assistant": return palette.cyan(padded)
        case "user": return palette.green(padded)
        case "tool": return palette.magenta(padded)
        default: return palette.dim(padded)
        }
    }
}
