import DuvoAPI
import JSONCore
import JSONRPC

/// A run's pending human request as an `elicitation/create` form, and the person's answer as `runs/respond` params.
///
/// An approval is one yes/no field. Questions get one field each, titled with the question's header: a single
/// choice is a string with the options' labels as `enum`, a multi-select an array of such strings (clients before
/// 2025-11-25 cannot show arrays, so they get a comma-separated string), and a question without options a free string.
struct HumanElicitation: Sendable {
    /// The run's pending request.
    let request: HumanRequest
    /// The run it belongs to.
    let runID: String
    /// The session's MCP revision (form fields and `mode` depend on it).
    let revision: String

    /// One form field per question: its property name and the question text answers are keyed by.
    private var fields: [(key: String, question: String)] {
        var used: Set<String> = ["approved"]
        var fields: [(String, String)] = []
        for (index, question) in (request.questions ?? []).enumerated() {
            let text = question.question
            var key = Self.slug(question.header ?? "")
            if key.isEmpty || used.contains(key) { key = "question_\(index + 1)" }
            used.insert(key)
            fields.append((key, text))
        }
        return fields
    }

    private var isApproval: Bool { request.kind != .question }

    private var supportsArrays: Bool { ProtocolRevision.revision(revision, isAtLeast: "2025-11-25") }

    /// The params of `elicitation/create`.
    var params: JSONValue {
        let title = request.title ?? "A Duvo run needs your input"
        let description = request.description.map { $0.isEmpty ? "" : "\n\($0)" } ?? ""
        var params: [String: JSONValue] = [
            "message": .string("Duvo run \(runID) \(isApproval ? "asks for your approval" : "asks"): "
                + "\(title)\(description)"),
            "requestedSchema": schema,
        ]
        if supportsArrays { params["mode"] = "form" }
        return .object(params)
    }

    private var schema: JSONValue {
        if isApproval {
            let title = request.title ?? "Approve?"
            return ["type": "object", "required": ["approved"], "properties": [
                "approved": ["type": "boolean", "title": "Approve", "description": .string(title)],
            ]]
        }
        let questions = request.questions ?? []
        var properties: [String: JSONValue] = [:]
        for (index, field) in fields.enumerated() {
            properties[field.key] = property(for: questions[index], text: field.question)
        }
        return ["type": "object", "properties": .object(properties),
                "required": .array(fields.map { .string($0.key) })]
    }

    private func property(for question: HumanQuestion, text: String) -> JSONValue {
        let options = question.options ?? []
        let labels = options.map(\.label)
        var description = text
        let explained = options.compactMap { option in option.description.map { "\(option.label): \($0)" } }
        if !explained.isEmpty { description += " (\(explained.joined(separator: "; ")))" }
        let title = JSONValue.string(question.header ?? text)
        guard !labels.isEmpty else {
            return ["type": "string", "title": title, "description": .string(description)]
        }
        let choices = JSONValue.array(labels.map(JSONValue.string))
        guard question.multiSelect == true else {
            return ["type": "string", "title": title, "description": .string(description), "enum": choices]
        }
        guard supportsArrays else {
            description += ". Choose one or more of \(labels.joined(separator: ", ")), comma-separated."
            return ["type": "string", "title": title, "description": .string(description)]
        }
        return ["type": "array", "title": title, "description": .string(description), "minItems": 1,
                "items": ["type": "string", "enum": choices]]
    }

    /// The answer in the `content` of an accepted form.
    /// - Throws: ``RPCError`` -32602 when the form came back without an answer it requires.
    func answer(from content: JSONValue?) throws(RPCError) -> Answer {
        let requestID: String? = request.id
        if isApproval {
            guard let approved = content?["approved"]?.boolValue else {
                throw RPCError.invalidParams("the form came back without a yes or no for the approval",
                                             field: "approved")
            }
            return Answer(requestID: requestID, approved: approved, answers: nil)
        }
        var answers: [String: JSONValue] = [:]
        for field in fields {
            switch content?[field.key] {
            case .string(let text)?: answers[field.question] = .string(text)
            case .array(let items)?:
                answers[field.question] = .array(items.map { .string($0.stringValue ?? $0.jsonString) })
            case .number(let number)?: answers[field.question] = .string(number.literal)
            case .bool(let flag)?: answers[field.question] = .string(flag ? "yes" : "no")
            default:
                throw RPCError.invalidParams("the form came back without an answer to \"\(field.question)\"",
                                             field: "answers")
            }
        }
        return Answer(requestID: requestID, approved: nil, answers: answers)
    }

    /// A filled-in form as the answer to the run's pending request: an approval, or answers keyed by question text.
    struct Answer: Sendable {
        let requestID: String?
        let approved: Bool?
        let answers: [String: JSONValue]?
    }

    /// `text` as a property name: lowercase letters, digits and underscores.
    private static func slug(_ text: String) -> String {
        let mapped = text.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" }
        return String(mapped).split(separator: "_").joined(separator: "_")
    }
}
