import JSONCore
import JSONRPC

/// The contract of the bridge: `schema/openrpc.json`, compiled into the binary so `rpc.discover` works anywhere.
public enum OpenRPCDocument {
    /// The document's exact text: SwiftPM embeds `schema/openrpc.json` at build time (`Schema/openrpc.json` in this
    /// target is a link to it), so there is no copy to keep in step.
    public static var text: String { String(decoding: PackageResources.openrpc_json, as: UTF8.self) }

    /// The document parsed.
    /// - Throws: ``RPCError/internalError(_:)`` if the embedded text were not JSON (a test prevents that).
    public static func value() throws(RPCError) -> JSONValue {
        try parsed.get()
    }

    /// Parsed once, on first use: building the MCP tool catalog reads it three times per tool, and parsing the 75 KB
    /// text each time was most of `duvo rpc`'s start-up work.
    private static let parsed = Result { () throws(RPCError) -> JSONValue in
        do {
            return try JSONParser().parse(PackageResources.openrpc_json)
        } catch {
            throw RPCError.internalError("the embedded OpenRPC document is not valid JSON: \(error)")
        }
    }

    /// The JSON Schema of a method's params as one object schema (for MCP's `inputSchema`), by method name.
    public static func paramsSchema(for method: String) -> JSONValue? {
        guard let document = try? value(), let entry = methodEntry(method, in: document) else { return nil }
        var properties: [String: JSONValue] = [:]
        var required: [JSONValue] = []
        for param in entry["params"]?.arrayValue ?? [] {
            guard let name = param["name"]?.stringValue else { continue }
            var schema = resolve(param["schema"] ?? [:], in: document)
            if let description = param["description"] ?? param["summary"], schema["description"] == nil {
                schema["description"] = description
            }
            properties[name] = schema
            if param["required"]?.boolValue == true { required.append(.string(name)) }
        }
        return ["type": "object", "properties": .object(properties), "required": .array(required),
                "additionalProperties": false]
    }

    /// The JSON Schema of a method's result with every `$ref` inlined (for MCP's `outputSchema`).
    public static func resultSchema(for method: String) -> JSONValue? {
        guard let document = try? value(), let entry = methodEntry(method, in: document),
              let schema = entry["result"]?["schema"] else { return nil }
        return resolve(schema, in: document)
    }

    /// A method's entry (`summary`, `description`, ...), by name.
    public static func method(_ name: String) -> JSONValue? {
        guard let document = try? value() else { return nil }
        return methodEntry(name, in: document)
    }

    private static func methodEntry(_ name: String, in document: JSONValue) -> JSONValue? {
        document["methods"]?.arrayValue?.first { $0["name"]?.stringValue == name }
    }

    /// Replaces local `$ref`s (`#/components/...`) with what they point at, recursively.
    static func resolve(_ schema: JSONValue, in document: JSONValue, depth: Int = 0) -> JSONValue {
        guard depth < 32 else { return schema }
        switch schema {
        case .object(var members):
            if let ref = members["$ref"]?.stringValue, ref.hasPrefix("#/") {
                var target: JSONValue? = document
                for part in ref.dropFirst(2).split(separator: "/") { target = target?[String(part)] }
                if let target {
                    members.removeValue(forKey: "$ref")
                    var resolved = resolve(target, in: document, depth: depth + 1)
                    for (key, value) in members { resolved[key] = value }
                    return resolved
                }
            }
            return .object(members.mapValues { resolve($0, in: document, depth: depth + 1) })
        case .array(let items):
            return .array(items.map { resolve($0, in: document, depth: depth + 1) })
        default:
            return schema
        }
    }
}
