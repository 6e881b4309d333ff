/// The values a command line gave, looked up by option or positional name.
public struct ParsedCommand: Sendable {
    /// The command words, from the program down, e.g. `["duvo", "runs", "start"]`.
    public let path: [String]
    let flags: Set<String>
    let values: [String: [String]]
    let positionalValues: [String: [String]]
    /// The options written on the command line (not taken from their variable or default).
    let written: Set<String>

    /// The command path as one string, e.g. `duvo runs start`.
    public var commandPath: String { path.joined(separator: " ") }

    /// Whether the flag `--name` was given (or its environment variable is set to a true-ish value).
    public func flag(_ name: String) -> Bool { flags.contains(name) }

    /// Whether `--name` was written on the command line, rather than taken from its variable or default (a value
    /// that is only safe in the environment, a password, may be refused on the command line).
    public func isWritten(_ name: String) -> Bool { written.contains(name) }

    /// The last value given for `--name`, else its environment variable, else its default.
    public func value(_ name: String) -> String? { values[name]?.last }

    /// Every value given for a repeatable `--name`, in order (the variable or default when none was given).
    public func values(_ name: String) -> [String] { values[name] ?? [] }

    /// The value of `--name` as an integer.
    /// - Throws: ``UsageError`` naming the option when the value is not an integer.
    public func int(_ name: String) throws(UsageError) -> Int? {
        guard let text = value(name) else { return nil }
        guard let number = Int(text) else {
            throw UsageError("option '--\(name)' expects a whole number, got '\(text)'", commandPath: commandPath)
        }
        return number
    }

    /// The value of `--name` as a number.
    /// - Throws: ``UsageError`` naming the option when the value is not a number.
    public func double(_ name: String) throws(UsageError) -> Double? {
        guard let text = value(name) else { return nil }
        guard let number = Double(text), number.isFinite else {
            throw UsageError("option '--\(name)' expects a number, got '\(text)'", commandPath: commandPath)
        }
        return number
    }

    /// The value of a single positional argument.
    public func positional(_ name: String) -> String? { positionalValues[name]?.first }

    /// All values of a variadic positional argument.
    public func positionals(_ name: String) -> [String] { positionalValues[name] ?? [] }
}
