import JSONCore

/// Turns a person's answer into the body Duvo expects for a pending request, checking that it fits first.
///
/// Answers may name a question by its text, its header, or its 0-based index (the CLI docs speak of question ids);
/// they are sent keyed by question text, as the API reference says. A multi-select answer may be an array or a
/// comma-separated string; it is sent comma-separated.
package struct HumanResponse: Sendable {
    /// The request being answered, as in `pending_human_request`.
    package let request: HumanRequest

    /// A response builder for `request`.
    package init(request: HumanRequest) {
        self.request = request
    }

    /// The questions' texts, in order.
    package var questionTexts: [String] {
        (request.questions ?? []).map(\.question)
    }

    /// The request body for `approved` or `answers` (values: string or array of strings).
    /// - Throws: ``HumanResponseError`` saying what shape is expected.
    package func body(approved: Bool?, answers: [String: JSONValue]?) throws(HumanResponseError) -> JSONValue {
        let kind = request.kind ?? .approval
        switch (approved, answers) {
        case (.some, .some): throw .bothGiven
        case (.none, .none): throw .neitherGiven(requestType: kind.rawValue)
        case (.some(let approved), .none):
            guard kind == .approval else { throw .needsAnswers(questions: questionTexts) }
            return ["approved": .bool(approved)]
        case (.none, .some(let answers)):
            guard kind == .question else { throw .needsApproval }
            return ["answers": .object(try resolve(answers))]
        }
    }

    private func resolve(_ answers: [String: JSONValue]) throws(HumanResponseError) -> [String: JSONValue] {
        let questions = request.questions ?? []
        let texts = questionTexts
        var resolved: [String: JSONValue] = [:]
        for (key, value) in answers {
            guard let index = Self.questionIndex(for: key, in: questions) else {
                throw .unknownQuestion(key: key, questions: texts)
            }
            guard resolved[texts[index]] == nil else { throw .answeredTwice(question: texts[index]) }
            resolved[texts[index]] = .string(Self.text(of: value))
        }
        let missing = texts.filter { resolved[$0] == nil }
        guard missing.isEmpty else { throw .missingAnswers(missing) }
        return resolved
    }

    /// The position of the question a key names: exact text, then header, then index, then text ignoring case.
    static func questionIndex(for key: String, in questions: [HumanQuestion]) -> Int? {
        let trimmed = key.trimmingCharacters(in: .whitespaces)
        if let exact = questions.firstIndex(where: { $0.question == key }) { return exact }
        if let header = questions.firstIndex(where: {
            $0.header?.caseInsensitiveCompare(trimmed) == .orderedSame
        }) { return header }
        if let index = Int(trimmed), questions.indices.contains(index) { return index }
        return questions.firstIndex { $0.question.caseInsensitiveCompare(trimmed) == .orderedSame }
    }

    private static func text(of value: JSONValue) -> String {
        switch value {
        case .array(let items):
            items.map { $0.stringValue ?? JSONWriter().string($0) }.joined(separator: ",")
        case .string(let text): text
        default: JSONWriter().string(value)
        }
    }
}

import Foundation
