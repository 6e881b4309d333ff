@testable import DuvoBridge
import Foundation
import JSONCore
import JSONRPC
import Testing
import TestSupport

/// The method table and `schema/openrpc.json` agree field by field: a param or result field added, renamed, retyped
/// or dropped on one side only fails here. Params are checked against each method's `Params` type; results and
/// notifications against what the server in memory really sends (``ContractCoverageTests``).
@Suite("OpenRPC contract")
struct ContractTests {
    static let file = PackagePaths.root.appendingPathComponent("schema/openrpc.json")

    static func document() throws -> JSONValue {
        try JSONParser().parse(Data(contentsOf: file))
    }

    /// A method's params as the document declares them: name → (schema, required).
    static func documentedParams(_ method: String, in document: JSONValue) -> [String: (JSONValue, Bool)] {
        let entry = document["methods"]?.arrayValue?.first { $0["name"]?.stringValue == method }
        var params: [String: (JSONValue, Bool)] = [:]
        for param in entry?["params"]?.arrayValue ?? [] {
            guard let name = param["name"]?.stringValue else { continue }
            params[name] = (param["schema"] ?? [:], param["required"]?.boolValue == true)
        }
        return params
    }

    @Test("rpc.discover's text is the text of schema/openrpc.json, compiled in from that very file")
    func embedded() throws {
        let text = try String(contentsOf: Self.file, encoding: .utf8)
        #expect(OpenRPCDocument.text == text)
        #expect(try OpenRPCDocument.value() == (try Self.document()))
    }

    @Test("the document describes exactly the methods of the method table")
    func sameMethods() throws {
        let document = try Self.document()
        let documented = (document["methods"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        #expect(documented.sorted() == MethodTable.names.sorted())
        for name in MethodTable.names where name != "rpc.discover" {
            #expect(OpenRPCDocument.resultSchema(for: name) != nil, "\(name) has a result schema")
            #expect(OpenRPCDocument.paramsSchema(for: name)?["properties"] != nil, "\(name) has params")
        }
    }

    @Test("each method's Params type decodes exactly the params the document names, with the document's types",
          arguments: MethodTable.names)
    func params(method: String) throws {
        let document = try Self.document()
        let type = try #require(MethodTable.methods.first { $0.name == method })
        try Self.checkParams(type, documented: Self.documentedParams(method, in: document),
                             validator: JSONSchemaValidator(document: document))
    }

    private static func checkParams<M: BridgeMethod>(_ method: M.Type, documented: [String: (JSONValue, Bool)],
                                                     validator: JSONSchemaValidator) throws {
        let fields = try #require((M.Params.self as? any BridgeParams.Type)?.fieldNames, "\(M.name): BridgeParams")
        #expect(Set(fields.filter { !$0.isEmpty }) == Set(documented.keys),
                "\(M.name): Params.CodingKeys against the document's params")

        var required: [String: JSONValue] = [:]
        for (name, (schema, isRequired)) in documented where isRequired {
            required[name] = try sample(schema, validator: validator, name: "\(M.name) \(name)")
        }
        #expect(throws: Never.self, "\(M.name): the required params alone decode") {
            try MethodTable.decode(M.Params.self, from: .object(required))
        }
        for (name, (schema, isRequired)) in documented.sorted(by: { $0.key < $1.key }) {
            var params = required
            params[name] = try sample(schema, validator: validator, name: "\(M.name) \(name)")
            #expect(throws: Never.self, "\(M.name): '\(name)' decodes from a value of its documented type") {
                try MethodTable.decode(M.Params.self, from: .object(params))
            }
            if isRequired {
                params[name] = nil
                #expect(throws: RPCError.self, "\(M.name): '\(name)' is required") {
                    try MethodTable.decode(M.Params.self, from: .object(params))
                }
            }
        }
    }

    @Test("the server refuses a value of a type the document does not allow, naming the param, for every param")
    func wrongTypes() async throws {
        let document = try Self.document()
        let validator = JSONSchemaValidator(document: document)
        let bridge = try startInProcess()
        for method in MethodTable.names {
            let params = Self.documentedParams(method, in: document)
            var required: [String: JSONValue] = [:]
            for (name, (schema, isRequired)) in params where isRequired {
                required[name] = try Self.sample(schema, validator: validator, name: "\(method) \(name)")
            }
            for (name, (schema, _)) in params.sorted(by: { $0.key < $1.key }) {
                let wrong = try #require(([true, "text"] as [JSONValue]).first {
                    !validator.check($0, schema: schema, pointer: "#").problems.isEmpty
                })
                var sent = required
                sent[name] = wrong
                let answer = try await bridge.request(method, .object(sent))
                #expect(answer["error"]?["code"] == -32602, "\(method) \(name) = \(wrong.jsonString): \(answer)")
                #expect(answer["error"]?["data"]?["field"] == .string(name), "\(method) \(name): \(answer)")
            }
        }
    }

    /// A value the schema accepts: its first example or enum value, or one built from its type.
    static func sample(_ schema: JSONValue, validator: JSONSchemaValidator, name: String) throws -> JSONValue {
        try #require(fitting(schema, validator: validator), "\(name): no sample value fits \(schema.jsonString)")
    }

    private static func fitting(_ schema: JSONValue, validator: JSONSchemaValidator) -> JSONValue? {
        let rules = schema["$ref"]?.stringValue.flatMap(validator.resolve) ?? schema
        let types = rules["type"]?.arrayValue?.compactMap(\.stringValue) ?? [rules["type"]?.stringValue ?? ""]
        let candidates: [JSONValue?] = [
            rules["examples"]?[0], rules["enum"]?[0], rules["const"], rules["default"],
            rules["oneOf"]?[0].flatMap { fitting($0, validator: validator) },
            rules["anyOf"]?[0].flatMap { fitting($0, validator: validator) },
        ] + types.map { type -> JSONValue? in
            switch type {
            case "string":
                return rules["format"] == "uuid" ? "0b7c5a9e-3d1f-4f6a-9c2e-8d4b6a1f0e3c"
                    : rules["format"] == "date-time" ? "2026-05-18T09:30:00Z" : "text"
            case "integer": return .int(max(rules["minimum"]?.intValue ?? 1, 1))
            case "number": return .double(max(rules["minimum"]?.doubleValue ?? 1.5, 1.5))
            case "boolean": return true
            case "array": return .array([rules["items"].flatMap { fitting($0, validator: validator) } ?? "text"])
            case "object":
                var members: [String: JSONValue] = [:]
                for name in rules["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                    members[name] = rules["properties"]?[name].flatMap { fitting($0, validator: validator) }
                }
                if members.isEmpty, let extra = rules["additionalProperties"], extra.objectValue != nil {
                    members["key"] = fitting(extra, validator: validator)
                }
                return .object(members)
            default: return nil
            }
        }
        return candidates.compactMap { $0 }.first { validator.check($0, schema: schema, pointer: "#").problems.isEmpty }
    }
}
