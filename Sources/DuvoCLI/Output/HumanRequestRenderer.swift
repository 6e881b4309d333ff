import DuvoAPI
import Foundation

/// Shows a pending human request so the user can answer it: its title, description, questions (with the ids
/// `--answer` takes: header or 0-based index) and the exact `duvo runs respond` commands to run.
struct HumanRequestRenderer: Sendable {
    /// The colours to use.
    let palette: Palette

    /// The lines for `request` (the run's pending human request) of run `runID`; `withCommands: false` leaves out
    /// the respond commands (when the person is asked on the terminal instead).
    func lines(for request: HumanRequest, runID: String, withCommands: Bool = true) -> [String] {
        let bar = palette.attention("┃") + " "
        var lines = [bar + palette.attention("Waiting for a human: " + (request.title ?? "a response"))]
        if let description = request.description, !description.isEmpty {
            lines.append(bar + description)
        }
        let command = "duvo runs respond \(runID)"
        let questions = request.questions ?? []
        if request.kind == .question || !questions.isEmpty {
            var example: [String] = []
            for (index, question) in questions.enumerated() {
                let id = question.header ?? String(index)
                let labels = (question.options ?? []).map(\.label)
                var text = "  [\(index)] " + palette.bold(id) + ": " + question.question
                if !labels.isEmpty {
                    let many = question.multiSelect == true
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
