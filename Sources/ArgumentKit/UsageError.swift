/// A command line that cannot be run as written; the message names the problem and, where it can, the fix.
///
/// Programs exit with status 2 on a usage error, after printing the description to stderr.
public struct UsageError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, e.g. "unknown option '--agnet'; did you mean '--agent'?".
    public let message: String
    /// The command the error is about, e.g. `duvo runs start`, so the hint can point at its help.
    public let commandPath: String

    /// An error about the command at `commandPath`.
    public init(_ message: String, commandPath: String) {
        self.message = message
        self.commandPath = commandPath
    }

    public var description: String {
        "error: \(message)\nRun '\(commandPath) --help' for usage."
    }
}
