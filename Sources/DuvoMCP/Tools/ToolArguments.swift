import JSONCore
import JSONRPC

/// Reading a tool's arguments: an object holding only the names its input schema lists, decoded into a struct.
enum ToolArguments {
    /// The arguments as an object.
    /// - Throws: ``RPCError`` -32602 when they are not an object or name an argument the tool does not take (a
    ///   misspelt `runId` is reported, not ignored).
    static func object(_ arguments: JSONValue?, for tool: ToolDefinition) throws(RPCError) -> [String: JSONValue] {
        let object: [String: JSONValue]
        switch arguments {
        case nil, .null?: object = [:]
        case .object(let members)?: object = members
        case let other?:
            throw RPCError.invalidParams("arguments must be an object of named fields, not \(other.kindDescription)")
        }
        let known = tool.argumentNames
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw RPCError.invalidParams("unknown argument '\(unknown)'", field: unknown)
        }
        return object
    }

    /// The arguments decoded into `type`.
    /// - Throws: ``RPCError`` -32602 naming the field that does not fit.
    static func decode<T: Decodable>(_ type: T.Type, from object: [String: JSONValue]) throws(RPCError) -> T {
        try RPCRouter.decodeParams(.object(object), as: T.self)
    }
}
