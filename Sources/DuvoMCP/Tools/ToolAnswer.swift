import JSONCore

/// What running a tool came to: a tool result, or (2026 only) a result of another `resultType` that is already in
/// its final wire shape.
enum ToolAnswer: Sendable {
    /// A `complete` tool result.
    case result(ToolResult)
    /// `input_required`: a person must answer through the client, which then calls again.
    case inputRequired(JSONValue)
    /// `task`: the run is followed as a task of the Tasks extension.
    case task(JSONValue)
}
