import Foundation
import JSONCore

/// Shows a pending human request so the user can answer it: its title, description, questions (with the ids
/// `--answer` takes: header or 0-based index) and the exact `duvo runs respond` commands to run.
struct HumanRequestRenderer: Sendable {
    /// The colours to use.
    let palette: Palette

    /// The lines for `request` (a `pending_human_request` object) of run `runID`; `withCommands: false` leaves out
    /// the respond commands (when the person is asked on the terminal instead).
    func lines(for request: JSONValue, runID: String, withCommands: Bool = true) -> [String] {
        let bar = palette.attention("┃") + " "
        var lines = [bar + palette.attention("Waiting for a human: " + (request["title"]?.stringValue ?? "a response"))]
        if let description = request["description"]?.stringValue, !description.isEmpty {
            lines.append(bar + description)
        }
        let command = "duvo runs respond \(runID)"
        let questions = request["questions"]?.arrayValue ?? []
        if request["type"]?.stringValue == "question" || !questions.isEmpty {
            var example: [String] = []
            for (index, question) in questions.enumerated() {
                let id = question["header"]?.stringValue ?? String(index)
                let labels = (question["options"]?.arrayValue ?? []).compactMap { $0["label"]?.stringValue }
                var text = "  [\(index)] " + palette.bold(id) + ": " + (question["question"]?.stringValue ?? "")
                if !labels.isEmpty {
                    let many = question["multi_select"]?.boolValue == true
                    text += palette.dim(" (" + (many ? "any of: " : "one of: ") + labels.joined(separator: ", ") + ")")
                }
                lines.append(bar + text)
                guard withCommands else { continue }
                example.append("--answer \(Self.shellQuoted("\(id)=\(labels.first ?? "<answer>")"))")
            }
            guard withCommands else { return lines }
            lines.append(bar + "Answer: " + palette.bold(([command] + example).joined(separator: " ")))
            lines.append(bar + palette.dim("(repeat --answer for each choice of a multi-select question)"))
        } else if withCommands {
            lines.append(bar + "Approve: " + palette.bold(command + " --approve"))
            lines.append(bar + "Deny:    " + palette.bold(command + " --deny"))
        }
        return lines
    }

    /// `text` quoted for a POSIX shell when it needs quoting.
    static func shellQuoted(_ text: String) -> String {
        let safe = text.allSatisfy { $0.isLetter || $0.isNumber || "-_=.,:/@".contains($0) }
        return safe && !text.isEmpty ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
