/// What parsing a command line produced: a command to run, or help text to print (exit 0).
public enum ParseResult: Sendable {
    /// A fully parsed command.
    case command(ParsedCommand)
    /// `--help` or `-h` was given (or a command group was named without a subcommand); print this and exit.
    case help(String)
}
