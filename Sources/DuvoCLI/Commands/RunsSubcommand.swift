import ArgumentKit

/// One `duvo runs` subcommand: its name, options and help, and what it does.
protocol RunsSubcommand: Sendable {
    /// The command's name, abstract, options and positionals, as `--help` shows them.
    static var spec: Command { get }
    /// Does the command's work.
    /// - Returns: the exit code for a command that did its work (a run's outcome with `--exit-status`).
    /// - Throws: ``UsageError``, ``DuvoAPIError`` or ``CLIFailure``; ``RunsCommand`` prints it and picks the code.
    static func run(_ invocation: Invocation) async throws -> ExitCode
    /// Whether `--timeout` is the deadline of each call (``CommonOptions/callTimeout``); `wait`'s is the wait's own.
    static var timeoutIsCallDeadline: Bool { get }
}

extension RunsSubcommand {
    static var timeoutIsCallDeadline: Bool { true }
}
