import Foundation
import HTTPServer
import JSONCore

/// A request's JSON object body, checked against the fields an endpoint accepts.
struct RequestBody {
    let members: [String: JSONValue]

    /// Parses the body as a JSON object whose keys are all in `allowed` (the schemas forbid other properties).
    ///
    /// - Parameter emptyAsObject: read an empty body as `{}` (for endpoints whose body is optional).
    /// - Throws: 400 `invalid_json` for unparsable or non-object bodies, `unknown_field` for extra keys.
    init(_ request: HTTPRequest, allowed: [String], emptyAsObject: Bool = false) throws(APIError) {
        let isBlank = request.body.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        if isBlank {
            guard emptyAsObject else {
                throw .invalidJSON("The request body is empty; send a JSON object with Content-Type: application/json.")
            }
            self.members = [:]
            return
        }
        let value: JSONValue
        do {
            value = try JSONParser(maxDepth: 64).parse(request.body)
        } catch {
            throw .invalidJSON("The request body is not valid JSON: \(error).")
        }
        guard let members = value.objectValue else {
            throw .invalidJSON("The request body must be a JSON object, not \(value.kindDescription).")
        }
        if let unknown = members.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw .unknownField(
                "Unknown field '\(unknown)'; "
                    + "this endpoint accepts only \(allowed.map { "'\($0)'" }.joined(separator: ", "))."
            )
        }
        self.members = members
    }

    /// The string field `name`, or nil when absent.
    /// - Throws: 400 `invalid_field` when present but not a string (null included).
    func string(_ name: String) throws(APIError) -> String? {
        guard let value = members[name] else { return nil }
        guard let text = value.stringValue else {
            throw .invalidField("Field '\(name)' must be a string, not \(value.kindDescription).")
        }
        return text
    }

    /// The string field `name`, which must be present.
    /// - Throws: 400 `missing_field` when absent, `invalid_field` when not a string.
    func requiredString(_ name: String) throws(APIError) -> String {
        guard let text = try string(name) else { throw .missingField("Field '\(name)' is required.") }
        return text
    }

    /// The boolean field `name`, or nil when absent.
    func bool(_ name: String) throws(APIError) -> Bool? {
        guard let value = members[name] else { return nil }
        guard let bool = value.boolValue else {
            throw .invalidField("Field '\(name)' must be true or false, not \(value.kindDescription).")
        }
        return bool
    }

    /// The object-of-strings field `name`, or nil when absent.
    func stringMap(_ name: String) throws(APIError) -> [String: String]? {
        guard let value = members[name] else { return nil }
        guard let object = value.objectValue else {
            throw .invalidField(
                "Field '\(name)' must be an object mapping each question to an answer string, "
                    + "not \(value.kindDescription)."
            )
        }
        var result: [String: String] = [:]
        for (key, item) in object {
            guard let text = item.stringValue else {
                throw .invalidField(
                    "Field '\(name)' must map to strings; the answer to '\(key)' is \(item.kindDescription) "
                        + "(join multi-select answers with commas)."
                )
            }
            result[key] = text
        }
        return result
    }

    /// Whether `text` is an absolute http(s) URL with a host, as `webhook_url` must be.
    static func isWebURL(_ text: String) -> Bool {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else { return false }
        return true
    }
}
