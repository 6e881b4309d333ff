/// A failure the command line finds itself (not Duvo's answer), with the exit code it ends with.
///
/// The message is printed to stderr after `error: `; it says what happened and what to run instead.
struct CLIFailure: Error, Sendable, CustomStringConvertible {
    /// What went wrong, for a person.
    let message: String
    /// The status the process exits with.
    let exitCode: ExitCode

    /// A failure with `message` that exits with `exitCode`.
    init(_ message: String, exitCode: ExitCode) {
        self.message = message
        self.exitCode = exitCode
    }

    var description: String { message }
}
