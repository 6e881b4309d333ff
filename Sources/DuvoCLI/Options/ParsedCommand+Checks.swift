import ArgumentKit

/// Checks on option values that the parser cannot express; each failure is a usage error naming the flag.
extension ParsedCommand {
    /// The value of `--name`, which must be given.
    /// - Throws: ``UsageError`` naming `--name` and what it is for.
    func required(_ name: String, _ purpose: String) throws(UsageError) -> String {
        guard let value = value(name), !value.isEmpty else {
            throw UsageError("missing --\(name) (\(purpose))", commandPath: commandPath)
        }
        return value
    }

    /// The value of `--name` as a whole number in `range`, when given.
    /// - Throws: ``UsageError`` naming `--name` when it is not a number or out of range.
    func int(_ name: String, in range: ClosedRange<Int>) throws(UsageError) -> Int? {
        guard let number = try int(name) else { return nil }
        guard range.contains(number) else {
            let upper = range.upperBound == Int.max ? "" : " and \(range.upperBound)"
            let bounds = upper.isEmpty ? "at least \(range.lowerBound)" : "between \(range.lowerBound)\(upper)"
            throw UsageError("option '--\(name)' must be \(bounds), got \(number)", commandPath: commandPath)
        }
        return number
    }

    /// The value of `--name`, which must be one of `choices`, when given.
    /// - Throws: ``UsageError`` listing the choices.
    func choice(_ name: String, among choices: [String]) throws(UsageError) -> String? {
        guard let value = value(name) else { return nil }
        guard choices.contains(value) else {
            throw UsageError("option '--\(name)' must be one of \(choices.joined(separator: ", ")), got '\(value)'",
                             commandPath: commandPath)
        }
        return value
    }

    /// Fails when both `--first` and `--second` are given.
    /// - Throws: ``UsageError`` naming both.
    func exclusive(_ first: String, _ second: String, isGiven: (String) -> Bool) throws(UsageError) {
        guard isGiven(first), isGiven(second) else { return }
        throw UsageError("use either --\(first) or --\(second), not both", commandPath: commandPath)
    }

    /// The single `RUN` positional.
    var runID: String { positional("run") ?? "" }
}
