import ArgumentKit
import Diagnostics
import DuvoAPI

/// `duvo runs ...`: the command line of Duvo's CLI docs (start, get, messages, send-message, respond, stop) plus
/// list, wait, stats and watch, all on the same client core as `duvo rpc`.
///
/// Output is the documented text on stdout (JSON with `--json`); errors go to stderr as `error: <message>`; the
/// exit code says what happened (see ``ExitCode``).
package enum RunsCommand {
    /// The subcommands, in the order `--help` lists them.
    static let subcommands: [any RunsSubcommand.Type] = [
        StartCommand.self, GetCommand.self, MessagesCommand.self, SendMessageCommand.self, RespondCommand.self,
        StopCommand.self, ListCommand.self, WaitCommand.self, StatsCommand.self, WatchCommand.self,
    ]

    /// The `runs` command group: the connection options and `--json`, inherited by every subcommand.
    package static let spec = Command(
        "runs", abstract: "Start, inspect, follow and answer Duvo runs",
        discussion: """
            Add --json to any command for machine-readable output; --simulate runs against a built-in simulator.
            Exit codes: 0 success; 1 Duvo refused the request; 2 bad usage; 3 auth or configuration problem;
            4 network failure or Duvo unavailable; 5 timeout; with --exit-status: 10 run failed, 11 stopped,
            12 interrupted, 13 waiting for a human; 130 interrupted by Ctrl-C.
            """,
        options: ConnectionOptions.options + [CommonOptions.json],
        subcommands: subcommands.map { $0.spec })

    private static let root = Command("duvo", abstract: "Drive Duvo agent runs", subcommands: [spec])

    /// Runs `duvo runs` with `arguments` (the words after `runs`); cancelling the calling task interrupts it.
    /// - Returns: the exit code (see ``ExitCode``).
    package static func run(_ arguments: [String], context: CommandContext) async -> ExitCode {
        let parsed: ParsedCommand
        let level: LogLevel
        let command: any RunsSubcommand.Type
        let callTimeout: String?
        let plain = Console(mode: OutputMode(json: false, environment: context.environment,
                                             stdoutIsTerminal: context.streams.outputIsTerminal),
                            streams: context.streams)
        do {
            switch try root.parse(["runs"] + arguments, environment: context.environment) {
            case .help(let text):
                plain.line(text.trimmingSuffixNewlines())
                return .success
            case .command(let command):
                parsed = command
            }
            level = try ConnectionOptions.logLevel(parsed)
            guard let found = subcommands.first(where: { $0.spec.name == parsed.path.last }) else {
                return .usage
            }
            command = found
            callTimeout = command.timeoutIsCallDeadline ? try callDeadline(parsed) : nil
        } catch {
            plain.diagnostic(error.description)
            return .usage
        }
        let console = Console(mode: OutputMode(json: parsed.flag("json"), environment: context.environment,
                                               stdoutIsTerminal: context.streams.outputIsTerminal),
                              streams: context.streams)
        // Log lines go through the console, so that on a terminal they never run into the live status line.
        let logger = Logger(label: "duvo runs", level: level) { [console] line in console.log(line) }
        let invocation = Invocation(parsed: parsed, context: context, console: console, logger: logger,
                                    callTimeout: callTimeout)
        let code: ExitCode
        do {
            code = try await command.run(invocation)
        } catch {
            report(error, on: console)
            code = ExitCode(error: error)
        }
        await invocation.shutdown()
        return code
    }

    /// The command's `--timeout` when it is the deadline of each call, checked before anything starts.
    /// - Throws: ``UsageError`` naming `--timeout` when it is not a number of seconds in (0, 86400].
    private static func callDeadline(_ parsed: ParsedCommand) throws(UsageError) -> String? {
        guard let text = parsed.value("timeout") else { return nil }
        guard DuvoConfiguration.deadlineSeconds(text) != nil else {
            throw UsageError("option '--timeout' must be \(DuvoConfiguration.deadlineRule), not '\(text.prefix(40))'",
                             commandPath: parsed.commandPath)
        }
        return text
    }

    /// Prints why a command failed on stderr, in words a user can act on (never the API key).
    private static func report(_ error: any Error, on console: Console) {
        switch error {
        case let usage as UsageError: console.diagnostic(usage.description)
        case let failure as DuvoAPIError where failure == .cancelled: console.status(nil)
        case let failure as DuvoAPIError: console.error(failure.message)
        case let failure as CLIFailure: console.error(failure.message)
        case is CancellationError: console.status(nil)
        default: console.error(String(describing: error))
        }
    }
}

extension String {
    /// The string without trailing newlines (help text ends with one; ``Console/line(_:)`` adds its own).
    func trimmingSuffixNewlines() -> String {
        var text = self
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
