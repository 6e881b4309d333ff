import ArgumentKit
import Foundation
import JSONCore

/// The `--answer QID=TEXT` values of `duvo runs respond`, grouped into the answers ``HumanResponse`` resolves.
///
/// `QID` is what the docs call a question id: the question's text, its header or its 0-based index. Repeating
/// `--answer` for the same `QID` builds a multi-select answer (sent comma-separated); `TEXT` may itself hold a
/// comma-separated list.
enum AnswerArguments {
    /// The answers keyed by `QID` as written: a string, or an array of strings when repeated.
    /// - Throws: ``UsageError`` naming `--answer` for a value without `=` or with an empty `QID`.
    static func parse(_ values: [String], commandPath: String) throws(UsageError) -> [String: JSONValue] {
        var order: [String] = []
        var grouped: [String: [String]] = [:]
        for value in values {
            guard let equals = value.firstIndex(of: "=") else {
                throw UsageError("option '--answer' expects QID=TEXT (QID: question text, header or 0-based index), "
                    + "got '\(value)'", commandPath: commandPath)
            }
            let key = String(value[..<equals])
            guard !key.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw UsageError("option '--answer' needs a question before '=' in '\(value)'",
                                 commandPath: commandPath)
            }
            if grouped[key] == nil { order.append(key) }
            grouped[key, default: []].append(String(value[value.index(after: equals)...]))
        }
        var answers: [String: JSONValue] = [:]
        for key in order {
            let texts = grouped[key] ?? []
            answers[key] = texts.count == 1 ? .string(texts[0]) : .array(texts.map(JSONValue.string))
        }
        return answers
    }
}
