import DuvoAPI
import Foundation
import JSONCore
import RunWatching

/// Asks the person at the terminal to answer a run's pending human request while `--follow` shows it: approve or
/// deny; pick options by number (several, comma-separated, for a multi-select question); free text where a question
/// has no options. The answer is posted through the same logic as `duvo runs respond` (``DuvoClient``'s
/// `respondToPending`), so it is checked and worded the same way.
///
/// Only when stdin and stdout are terminals, output is text (not `--json`) and `--no-input` is not given; otherwise
/// the follow prints the respond commands, as in a script.
struct HumanRequestPrompt: Sendable {
    private let console: Console
    private let operations: RunOperations

    /// The prompt for this invocation, or nil when nobody can be asked.
    init?(invocation: Invocation) async throws {
        let streams = invocation.context.streams
        guard streams.inputIsTerminal, streams.outputIsTerminal, !invocation.json,
              !invocation.parsed.flag("no-input") else { return nil }
        console = invocation.console
        operations = try await invocation.operations()
    }

    /// What became of a prompt.
    enum Outcome: Sendable, Equatable {
        /// The answer was posted.
        case answered
        /// The person left it for later (an empty line, or end of input), or posting failed (already said why).
        case left
    }

    /// Asks about `request` (the run's `pending_human_request`) and posts the answer.
    func ask(_ request: HumanRequest, runID: String) async -> Outcome {
        let questions = request.questions ?? []
        let approved: Bool?
        var answers: [String: JSONValue]?
        if request.kind == .question || !questions.isEmpty {
            approved = nil
            var collected: [String: JSONValue] = [:]
            for (index, question) in questions.enumerated() {
                guard let answer = await answer(question, index: index) else { return left(runID) }
                collected[String(index)] = answer
            }
            answers = collected
        } else {
            guard let decision = await approval() else { return left(runID) }
            approved = decision
        }
        do {
            _ = try await operations.respond(try RunID.checked(runID), requestID: request.id,
                                             approved: approved, answers: answers)
        } catch {
            switch error {
            case .duvo(let failure): console.error(failure.message)
            case .doesNotFit(let mismatch, let pending):
                console.error(RespondCommand.message(for: mismatch, request: pending))
            case .invalidParameter(let message, _):
                console.error(message)
            case .tooManyFollows(let limit):
                console.error(RunOperationError.tooManyFollowsMessage(limit: limit))
            }
            return left(runID)
        }
        let verb = approved == true ? "Approved" : (approved == false ? "Denied" : "Answered")
        console.line(console.palette.green("✓ \(verb).") + " " + console.palette.dim("Following on…"))
        return .answered
    }

    private func left(_ runID: String) -> Outcome {
        console.line(console.palette.dim("Left for later: answer with 'duvo runs respond \(runID) ...'."))
        return .left
    }

    /// Yes or no; nil to leave it.
    private func approval() async -> Bool? {
        while true {
            guard let line = await read(console.palette.bold("Approve? [y]es / [n]o (Enter leaves it): ")) else {
                return nil
            }
            switch line.lowercased() {
            case "y", "yes", "approve": return true
            case "n", "no", "deny": return false
            case "": return nil
            default: console.line("Type y to approve or n to deny.")
            }
        }
    }

    /// One question's answer: option labels by number, or free text; nil to leave the request.
    private func answer(_ question: HumanQuestion, index: Int) async -> JSONValue? {
        let header = question.header ?? String(index)
        let labels = (question.options ?? []).map(\.label)
        let many = question.multiSelect == true
        var lines = [console.palette.bold("\(header): ") + question.question]
        for (number, label) in labels.enumerated() {
            lines.append("  \(number + 1)) \(label)")
        }
        console.lines(lines)
        let hint = labels.isEmpty ? "your answer"
            : many ? "numbers 1-\(labels.count), comma-separated, or your own answer"
            : "a number 1-\(labels.count), or your own answer"
        while true {
            guard let line = await read("\(header) (\(hint); Enter leaves it): "), !line.isEmpty else { return nil }
            guard !labels.isEmpty else { return .string(line) }
            switch Self.choices(line, count: labels.count) {
            case .some(let numbers) where many || numbers.count == 1:
                let chosen = numbers.map { labels[$0 - 1] }
                return many ? .array(chosen.map(JSONValue.string)) : .string(chosen[0])
            case .some:
                console.line("Pick one number: this question takes a single answer.")
            case .none:
                if line.allSatisfy({ $0.isNumber || $0 == "," || $0 == " " }) {
                    console.line("Numbers go from 1 to \(labels.count).")
                } else {
                    return .string(line)
                }
            }
        }
    }

    /// The numbers in `text` ("1, 3" or "2"), each within 1...count; nil if any part is not one.
    static func choices(_ text: String, count: Int) -> [Int]? {
        let parts = text.split(whereSeparator: { $0 == "," || $0 == " " })
        guard !parts.isEmpty else { return nil }
        var numbers: [Int] = []
        for part in parts {
            guard let number = Int(part), (1...count).contains(number) else { return nil }
            if !numbers.contains(number) { numbers.append(number) }
        }
        return numbers
    }

    /// Shows `prompt` and reads a line, trimmed; nil at end of input.
    private func read(_ prompt: String) async -> String? {
        console.prompt(prompt)
        guard let line = await console.streams.readLine() else {
            console.line()
            return nil
        }
        return line.trimmingCharacters(in: .whitespaces)
    }
}
