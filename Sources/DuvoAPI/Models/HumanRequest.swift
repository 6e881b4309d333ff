import JSONCore

/// What a waiting run asks a person: an approval, or questions (`pending_human_request`).
package struct HumanRequest: DuvoModel {
    package static let kind = "human request"

    /// What kind of answer the request wants.
    package enum Kind: RawRepresentable, Sendable, Hashable {
        /// Approve or deny: `{"approved": …}`.
        case approval
        /// Answers to its questions: `{"answers": {…}}`.
        case question
        /// A kind this version does not know, kept as it came.
        case unknown(String)

        package init(rawValue: String) {
            switch rawValue {
            case "approval": self = .approval
            case "question": self = .question
            default: self = .unknown(rawValue)
            }
        }

        package var rawValue: String {
            switch self {
            case .approval: "approval"
            case .question: "question"
            case .unknown(let text): text
            }
        }
    }

    package var id: String
    /// The kind as Duvo said it; nil when it did not (such a request is answered as an approval).
    package var kind: Kind?
    package var title: String?
    package var description: String?
    package var questions: [HumanQuestion]?
    package var extra: [String: JSONValue]

    package init(id: String, kind: Kind?, title: String? = nil, description: String? = nil,
                 questions: [HumanQuestion]? = nil, extra: [String: JSONValue] = [:]) {
        self.id = id
        self.kind = kind
        self.title = title
        self.description = description
        self.questions = questions
        self.extra = extra
    }

    package init(reading reader: inout FieldReader) throws(DuvoAPIError) {
        id = try reader.string("id")
        kind = try reader.optionalString("type").map(Kind.init(rawValue:))
        title = try reader.optionalString("title")
        description = try reader.optionalString("description")
        questions = try reader.optionalModels("questions", HumanQuestion.self)
        extra = reader.rest
    }

    package var json: JSONValue {
        var writer = FieldWriter(extra: extra)
        writer.set("id", id)
        writer.set("type", kind?.rawValue)
        writer.set("title", title)
        writer.set("description", description)
        writer.set("questions", questions)
        return writer.json
    }
}

/// One question of a ``HumanRequest``.
package struct HumanQuestion: DuvoModel {
    package static let kind = "question"

    package var question: String
    package var header: String?
    package var options: [HumanQuestionOption]?
    package var multiSelect: Bool?
    package var extra: [String: JSONValue]

    package init(question: String, header: String? = nil, options: [HumanQuestionOption]? = nil,
                 multiSelect: Bool? = nil, extra: [String: JSONValue] = [:]) {
        self.question = question
        self.header = header
        self.options = options
        self.multiSelect = multiSelect
        self.extra = extra
    }

    package init(reading reader: inout FieldReader) throws(DuvoAPIError) {
        question = try reader.string("question")
        header = try reader.optionalString("header")
        options = try reader.optionalModels("options", HumanQuestionOption.self)
        multiSelect = try reader.optionalBool("multi_select")
        extra = reader.rest
    }

    package var json: JSONValue {
        var writer = FieldWriter(extra: extra)
        writer.set("question", question)
        writer.set("header", header)
        writer.set("options", options)
        writer.set("multi_select", multiSelect)
        return writer.json
    }
}

/// One choice of a ``HumanQuestion``.
package struct HumanQuestionOption: DuvoModel {
    package static let kind = "option"

    package var label: String
    package var description: String?
    package var extra: [String: JSONValue]

    package init(label: String, description: String? = nil, extra: [String: JSONValue] = [:]) {
        self.label = label
        self.description = description
        self.extra = extra
    }

    package init(reading reader: inout FieldReader) throws(DuvoAPIError) {
        label = try reader.string("label")
        description = try reader.optionalString("description")
        extra = reader.rest
    }

    package var json: JSONValue {
        var writer = FieldWriter(extra: extra)
        writer.set("label", label)
        writer.set("description", description)
        return writer.json
    }
}
