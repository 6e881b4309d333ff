import Foundation
import JSONCore

/// Checks JSON values against JSON Schema as `schema/openrpc.json` uses it (`$ref` into the document, `type` as a
/// name or a list, `properties`, `required`, `additionalProperties`, `minProperties`, `enum`, `const`, `items`,
/// `minItems`, `oneOf`, `anyOf`, `not`, `if`/`then`/`else`, `minLength`, `minimum`, `maximum`, `exclusiveMinimum`,
/// `format: uuid`), and reports more than validity: which declared properties a value carried and which keys it
/// carried that no schema declares, even where the schema leaves the object open.
///
/// That is what makes a contract test field by field: a key the server sends and the document does not name, or a
/// property the document names and the server never sends, shows up although both may be valid JSON Schema.
public struct JSONSchemaValidator: Sendable {
    /// The document `$ref`s point into.
    public let document: JSONValue

    public init(document: JSONValue) {
        self.document = document
    }

    /// What one check found.
    public struct Report: Sendable {
        /// Violations, each prefixed with the JSON path where it occurs (`$.run.status`).
        public var problems: [String] = []
        /// Declared properties the value carried, as `<schema pointer>/properties/<name>`.
        public var seen: Set<String> = []
        /// Keys no schema declares (allowed or not), as `<schema pointer>` → `<JSON path>`.
        public var undeclared: [(schema: String, path: String)] = []

        public init() {}

        /// Adds what `other` found.
        public mutating func merge(_ other: Report) {
            problems += other.problems
            seen.formUnion(other.seen)
            undeclared += other.undeclared
        }
    }

    /// Checks `value` against the schema at `pointer` (`#/components/schemas/Run`).
    public func check(_ value: JSONValue, against pointer: String, at path: String = "$") -> Report {
        guard let schema = resolve(pointer) else {
            var report = Report()
            report.problems.append("\(path): the document has no schema at \(pointer)")
            return report
        }
        return check(value, schema: schema, pointer: pointer, path: path)
    }

    /// Checks `value` against an inline `schema` whose place in the document is `pointer`.
    public func check(_ value: JSONValue, schema: JSONValue, pointer: String, path: String = "$") -> Report {
        var report = Report()
        guard let rules = schema.objectValue else {
            if schema == .bool(false) { report.problems.append("\(path): no value is allowed here") }
            return report
        }
        if let ref = rules["$ref"]?.stringValue {
            report.merge(check(value, against: ref, at: path))
        }
        if let types = Self.types(rules["type"]), !types.contains(where: { Self.value(value, is: $0) }) {
            report.problems.append("\(path): expected \(types.joined(separator: " or ")), got \(value.kindDescription)")
            return report
        }
        if let options = rules["enum"]?.arrayValue, !options.contains(value) {
            report.problems.append("\(path): \(value.jsonString) is not one of \(JSONValue.array(options).jsonString)")
        }
        if let constant = rules["const"], constant != value {
            report.problems.append("\(path): \(value.jsonString) is not \(constant.jsonString)")
        }
        report.merge(checkAlternatives(value, rules, pointer, path))
        switch value {
        case .object(let members): report.merge(checkObject(members, rules, pointer, path))
        case .array(let items): report.merge(checkArray(items, rules, pointer, path))
        case .string(let text): report.problems += checkString(text, rules, path)
        case .number: report.problems += checkNumber(value, rules, path)
        default: break
        }
        return report
    }

    /// Every property an object schema reachable from `pointers` declares, as `<schema pointer>/properties/<name>`:
    /// the set ``Report/seen`` is measured against.
    public func declaredProperties(reachableFrom pointers: [String]) -> Set<String> {
        var declared: Set<String> = []
        var visited: Set<String> = []
        func walk(_ schema: JSONValue, _ pointer: String) {
            guard visited.insert(pointer).inserted, let rules = schema.objectValue else { return }
            if let ref = rules["$ref"]?.stringValue, let target = resolve(ref) { walk(target, ref) }
            for (name, property) in rules["properties"]?.objectValue ?? [:] {
                declared.insert("\(pointer)/properties/\(name)")
                walk(property, "\(pointer)/properties/\(name)")
            }
            // (not, if, then and else only constrain what the properties above declare.)
            for key in ["items", "additionalProperties"] {
                if let inner = rules[key] { walk(inner, "\(pointer)/\(key)") }
            }
            for key in ["oneOf", "anyOf"] {
                for (index, inner) in (rules[key]?.arrayValue ?? []).enumerated() {
                    walk(inner, "\(pointer)/\(key)/\(index)")
                }
            }
        }
        for pointer in pointers {
            if let schema = resolve(pointer) { walk(schema, pointer) }
        }
        return declared
    }

    /// The schema a local pointer (`#/components/schemas/Run`) names.
    public func resolve(_ pointer: String) -> JSONValue? {
        guard pointer.hasPrefix("#") else { return nil }
        var target: JSONValue? = document
        for part in pointer.dropFirst().split(separator: "/") {
            let key = part.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            if let index = Int(key), let array = target?.arrayValue {
                target = array.indices.contains(index) ? array[index] : nil
            } else {
                target = target?[key]
            }
        }
        return target
    }

    private func checkAlternatives(_ value: JSONValue, _ rules: [String: JSONValue], _ pointer: String,
                                   _ path: String) -> Report {
        var report = Report()
        for key in ["oneOf", "anyOf"] {
            guard let branches = rules[key]?.arrayValue else { continue }
            let checked = branches.enumerated().map { index, branch in
                check(value, schema: branch, pointer: "\(pointer)/\(key)/\(index)", path: path)
            }
            let matching = checked.filter { $0.problems.isEmpty }
            if matching.isEmpty {
                let why = checked.map { $0.problems.joined(separator: "; ") }.joined(separator: " | ")
                report.problems.append("\(path): matches none of \(key): \(why)")
            } else if key == "oneOf", matching.count > 1 {
                report.problems.append("\(path): matches \(matching.count) branches of oneOf, not one")
            } else if let first = matching.first {
                report.merge(first)
            }
        }
        if let negated = rules["not"], check(value, schema: negated, pointer: "\(pointer)/not", path: path)
            .problems.isEmpty
        {
            report.problems.append("\(path): matches the schema under not")
        }
        if let condition = rules["if"] {
            let holds = check(value, schema: condition, pointer: "\(pointer)/if", path: path).problems.isEmpty
            let key = holds ? "then" : "else"
            if let branch = rules[key] {
                report.problems += check(value, schema: branch, pointer: "\(pointer)/\(key)", path: path).problems
            }
        }
        return report
    }

    private func checkObject(_ members: [String: JSONValue], _ rules: [String: JSONValue], _ pointer: String,
                             _ path: String) -> Report {
        var report = Report()
        let properties = rules["properties"]?.objectValue ?? [:]
        for name in rules["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[name] == nil {
            report.problems.append("\(path): missing required '\(name)'")
        }
        if let minimum = rules["minProperties"]?.intValue, members.count < minimum {
            report.problems.append("\(path): fewer than \(minimum) members")
        }
        // An object that names no properties is free-form on purpose (a tool call's arguments); one that names some
        // declares its members, and a key beyond them is reported even where additionalProperties allows it.
        let declaresMembers = rules["properties"] != nil
        for (name, member) in members.sorted(by: { $0.key < $1.key }) {
            let memberPath = "\(path).\(name)"
            if let schema = properties[name] {
                report.seen.insert("\(pointer)/properties/\(name)")
                report.merge(check(member, schema: schema, pointer: "\(pointer)/properties/\(name)", path: memberPath))
                continue
            }
            switch rules["additionalProperties"] {
            case .bool(false)?:
                report.problems.append("\(path): '\(name)' is not allowed (additionalProperties is false)")
            case .object?:
                if let extra = rules["additionalProperties"] {
                    report.merge(check(member, schema: extra, pointer: "\(pointer)/additionalProperties",
                                       path: memberPath))
                }
            default:
                if declaresMembers { report.undeclared.append((pointer, memberPath)) }
            }
        }
        return report
    }

    private func checkArray(_ items: [JSONValue], _ rules: [String: JSONValue], _ pointer: String, _ path: String)
        -> Report
    {
        var report = Report()
        if let minimum = rules["minItems"]?.intValue, items.count < minimum {
            report.problems.append("\(path): fewer than \(minimum) items")
        }
        if let itemSchema = rules["items"] {
            for (index, item) in items.enumerated() {
                report.merge(check(item, schema: itemSchema, pointer: "\(pointer)/items", path: "\(path)[\(index)]"))
            }
        }
        return report
    }

    private func checkString(_ text: String, _ rules: [String: JSONValue], _ path: String) -> [String] {
        var problems: [String] = []
        if rules["format"] == "uuid", UUID(uuidString: text) == nil {
            problems.append("\(path): '\(text)' is not a UUID")
        }
        if let minimum = rules["minLength"]?.intValue, text.count < minimum {
            problems.append("\(path): shorter than \(minimum) characters")
        }
        return problems
    }

    private func checkNumber(_ value: JSONValue, _ rules: [String: JSONValue], _ path: String) -> [String] {
        guard let number = value.doubleValue else { return [] }
        var problems: [String] = []
        if let minimum = rules["minimum"]?.doubleValue, number < minimum {
            problems.append("\(path): below \(minimum)")
        }
        if let maximum = rules["maximum"]?.doubleValue, number > maximum {
            problems.append("\(path): above \(maximum)")
        }
        if let bound = rules["exclusiveMinimum"]?.doubleValue, number <= bound {
            problems.append("\(path): not above \(bound)")
        }
        return problems
    }

    private static func types(_ type: JSONValue?) -> [String]? {
        switch type {
        case .string(let name)?: [name]
        case .array(let names)?: names.compactMap(\.stringValue)
        default: nil
        }
    }

    private static func value(_ value: JSONValue, is type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("number", .number), ("string", .string), ("array", .array),
             ("object", .object): true
        case ("integer", .number): value.intValue != nil
        default: false
        }
    }
}
