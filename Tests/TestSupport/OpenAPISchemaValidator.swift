import Foundation
import JSONCore

/// Checks JSON values against the schemas of Duvo's v1 OpenAPI document (a JSON Schema subset: `type`,
/// `properties`, `required`, `additionalProperties`, `nullable`, `enum`, `items`, `format: uuid`, `minimum`,
/// `maximum`, `minLength`).
public struct OpenAPISchemaValidator: Sendable {
    /// The OpenAPI document.
    public let document: JSONValue

    /// The validator for Duvo's v1 OpenAPI document, vendored in
    /// `Tests/Fixtures/upstream/duvo-api-v1-runs.openapi.json`.
    /// - Throws: ``PackagePaths/MissingFile`` when the document is absent, or a parse error.
    public init() throws {
        let url = try PackagePaths.upstream("duvo-api-v1-runs.openapi.json")
        self.document = try JSONParser().parse(try Data(contentsOf: url))
    }

    /// A validator for an already loaded document.
    public init(document: JSONValue) {
        self.document = document
    }

    /// The response schema for `method path` answering `status`, e.g. (`/v1/runs/{run_id}`, `get`, 200).
    public func responseSchema(path: String, method: String, status: Int) -> JSONValue? {
        document["paths"]?[path]?[method.lowercased()]?["responses"]?[String(status)]?["content"]?["application/json"]?[
            "schema"]
    }

    /// The request body schema of `method path`.
    public func requestSchema(path: String, method: String) -> JSONValue? {
        document["paths"]?[path]?[method.lowercased()]?["requestBody"]?["content"]?["application/json"]?["schema"]
    }

    /// Violations of the documented response for `method path` / `status`; empty when the value conforms.
    /// A status the document does not list is itself a violation.
    public func validateResponse(_ value: JSONValue, path: String, method: String, status: Int) -> [String] {
        guard let schema = responseSchema(path: path, method: method, status: status) else {
            return ["\(method.uppercased()) \(path) documents no \(status) response"]
        }
        return validate(value, against: schema)
    }

    /// Violations of `schema` by `value`, each prefixed with the JSON path where it occurs (`$.run.status`).
    public func validate(_ value: JSONValue, against schema: JSONValue, at path: String = "$") -> [String] {
        guard let rules = schema.objectValue, !rules.isEmpty else { return [] }
        if value.isNull {
            return rules["nullable"] == .bool(true) || rules["type"] == nil ? [] : ["\(path): null is not allowed"]
        }
        var problems: [String] = []
        if let options = rules["enum"]?.arrayValue, !options.contains(value) {
            problems.append("\(path): \(value.jsonString) is not one of \(JSONValue.array(options).jsonString)")
        }
        switch rules["type"]?.stringValue {
        case "object"?:
            guard let members = value.objectValue else {
                return problems + ["\(path): expected an object, got \(value.kindDescription)"]
            }
            problems += validateObject(members, rules, path)
        case "array"?:
            guard let items = value.arrayValue else {
                return problems + ["\(path): expected an array, got \(value.kindDescription)"]
            }
            if let itemSchema = rules["items"] {
                for (index, item) in items.enumerated() {
                    problems += validate(item, against: itemSchema, at: "\(path)[\(index)]")
                }
            }
        case "string"?:
            guard let text = value.stringValue else {
                return problems + ["\(path): expected a string, got \(value.kindDescription)"]
            }
            if rules["format"] == "uuid", !Self.isUUID(text) { problems.append("\(path): '\(text)' is not a UUID") }
            if let minimum = rules["minLength"]?.intValue, text.count < minimum {
                problems.append("\(path): shorter than \(minimum) characters")
            }
        case "number"?, "integer"?:
            guard let number = value.doubleValue else {
                return problems + ["\(path): expected a number, got \(value.kindDescription)"]
            }
            if rules["type"] == "integer", value.intValue == nil {
                problems.append("\(path): \(number) is not an integer")
            }
            if let minimum = rules["minimum"]?.doubleValue, number < minimum {
                problems.append("\(path): below \(minimum)")
            }
            if let maximum = rules["maximum"]?.doubleValue, number > maximum {
                problems.append("\(path): above \(maximum)")
            }
        case "boolean"?:
            if value.boolValue == nil { problems.append("\(path): expected a boolean, got \(value.kindDescription)") }
        default:
            break
        }
        return problems
    }

    private func validateObject(_ members: [String: JSONValue], _ rules: [String: JSONValue], _ path: String)
        -> [String]
    {
        var problems: [String] = []
        let properties = rules["properties"]?.objectValue ?? [:]
        for name in rules["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[name] == nil {
            problems.append("\(path): missing required '\(name)'")
        }
        for (name, member) in members.sorted(by: { $0.key < $1.key }) {
            if let schema = properties[name] {
                problems += validate(member, against: schema, at: "\(path).\(name)")
            } else if rules["additionalProperties"] == .bool(false) {
                problems.append("\(path): '\(name)' is not allowed (additionalProperties is false)")
            } else if let extra = rules["additionalProperties"], extra.objectValue != nil {
                problems += validate(member, against: extra, at: "\(path).\(name)")
            }
        }
        return problems
    }

    private static func isUUID(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        return parts.map(\.count) == [8, 4, 4, 4, 12] && parts.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }
}
