/// A positional argument, such as the `RUN` in `duvo runs get RUN`.
public struct Positional: Sendable {
    /// The name used to read the value back and shown in usage, e.g. `run`.
    public let name: String
    /// One line for `--help`.
    public let help: String
    /// Whether the argument may be left out.
    public let optional: Bool
    /// Whether it takes all remaining positional words (must be last).
    public let variadic: Bool
    /// The values it accepts, for shell completion (empty when any value goes).
    public let choices: [String]

    /// A positional argument; required unless `optional`, a single word unless `variadic`.
    public init(_ name: String, help: String, optional: Bool = false, variadic: Bool = false,
                choices: [String] = []) {
        self.name = name
        self.help = help
        self.optional = optional
        self.variadic = variadic
        self.choices = choices
    }

    var synopsis: String {
        let word = name.uppercased() + (variadic ? "..." : "")
        return optional ? "[\(word)]" : word
    }
}
