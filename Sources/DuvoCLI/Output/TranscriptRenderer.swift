import DuvoAPI

/// Lays out a run's messages for people: a role label, then the text; tool calls as `→ name(args)`, their results
/// as `← ok …` or `← error …`, human requests and answers highlighted.
struct TranscriptRenderer: Sendable {
    /// The colours to use.
    let palette: Palette

    private static let labelWidth = 10

    /// The lines showing `message`.
    func lines(for message: Message) -> [String] {
        let role = message.role ?? "?"
        let body: String
        if message.isHumanRequest {
            body = palette.attention("✋ needs a human: " + (message.textContent ?? "a response"))
        } else if message.type == "human_response" {
            body = palette.green("✓ answered: ") + (message.textContent ?? "")
        } else if let result = message.toolResult {
            let outcome = MessageContent.toolOutcome(result)
            body = outcome.ok ? palette.green("← ok") + " " + palette.dim(outcome.text)
                : palette.red("← error: " + outcome.text)
        } else if let call = message.toolCall, message.textContent == nil {
            body = palette.blue("→ ") + MessageContent.toolCall(call)
        } else {
            body = MessageContent.text(of: message)
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
