import JSONCore

/// What a tool call answers: a short text a model reads, the structured result for programs, and whether the call
/// failed (failures are results, not protocol errors, so the model sees them and can correct itself).
struct ToolResult: Sendable {
    /// The text for the model.
    var text: String
    /// The result matching the tool's output schema; nil for failures.
    var structured: JSONValue?
    /// Whether the call failed.
    var isError: Bool

    /// A successful call.
    static func success(_ structured: JSONValue, summary: String) -> ToolResult {
        ToolResult(text: summary, structured: structured, isError: false)
    }

    /// A failed call, with a text saying what to do.
    static func failure(_ text: String) -> ToolResult {
        ToolResult(text: text, structured: nil, isError: true)
    }

    /// The `tools/call` result.
    ///
    /// Clients older than 2025-06-18 know nothing of `structuredContent`; they get the structured result as JSON
    /// after the summary instead, so no information is lost to them.
    func json(structuredContent: Bool) -> JSONValue {
        var text = self.text
        var result: [String: JSONValue] = ["isError": .bool(isError)]
        if let structured {
            if structuredContent {
                result["structuredContent"] = structured
            } else {
                text += "\n\n" + JSONWriter(sortedKeys: true).string(structured)
            }
        }
        result["content"] = [["type": "text", "text": .string(text)]]
        return .object(result)
    }
}
