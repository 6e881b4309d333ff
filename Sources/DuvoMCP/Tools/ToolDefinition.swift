import DuvoBridge
import JSONCore
import JSONRPC

/// One MCP tool as `tools/list` describes it, derived from a bridge method and its OpenRPC entry.
struct ToolDefinition: Sendable {
    /// The tool's name, e.g. `duvo_get_run`.
    let name: String
    /// The JSON-RPC method behind it, e.g. `runs/get`.
    let method: String
    /// A short name for people (the method's summary).
    let title: String
    /// What it does and how to use it with the others.
    let description: String
    /// The arguments' JSON Schema (an object schema).
    let inputSchema: JSONValue
    /// The JSON Schema of `structuredContent` (an object schema).
    let outputSchema: JSONValue
    /// What the tool does to the world.
    let traits: MethodTraits
    /// How the MCP tool differs from its method.
    let adaptation: ToolAdaptation
    /// Runs the method behind a tool whose runner is the method itself, answering with its typed result.
    let runMethod: @Sendable (JSONValue?, Bridge, RPCRequestContext) async throws(RPCError) -> MethodResult

    /// The names of the arguments the tool accepts.
    var argumentNames: [String] { (inputSchema["properties"]?.objectValue ?? [:]).keys.sorted() }

    /// The `tools/list` entry, with the fields the client's revision knows (`title` and `outputSchema` arrived in
    /// 2025-06-18, `annotations` in 2025-03-26).
    func json(revision: String) -> JSONValue {
        var entry: [String: JSONValue] = [
            "name": .string(name), "description": .string(description), "inputSchema": inputSchema,
        ]
        if ProtocolRevision.revision(revision, isAtLeast: "2025-03-26") {
            entry["annotations"] = [
                "title": .string(title), "readOnlyHint": .bool(traits.readOnly),
                "destructiveHint": .bool(traits.destructive), "idempotentHint": .bool(traits.idempotent),
                "openWorldHint": true,
            ]
        }
        if ProtocolRevision.revision(revision, isAtLeast: "2025-06-18") {
            entry["title"] = .string(title)
            entry["outputSchema"] = outputSchema
        }
        return .object(entry)
    }
}
