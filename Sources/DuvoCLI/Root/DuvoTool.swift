import ArgumentKit

/// The `duvo` command line as one value: its command tree (for help and shell completions) and the commands that
/// run in process (`runs`, `sim`, `completion`). `duvo rpc` takes over the process's stdio, so the executable runs
/// it itself; it is named here through its spec so help and completions include it.
package struct DuvoTool: Sendable {
    /// The version printed by `duvo --version` and announced in MCP's `serverInfo`.
    package static let version = "0.1.0"

    /// The commands the executable runs itself (`rpc`), for help and completions.
    let externalCommands: [Command]

    /// The tool, with the specs of the commands the executable runs itself.
    package init(externalCommands: [Command]) {
        self.externalCommands = externalCommands
    }

    /// The whole command tree, `duvo` at its root.
    package var tree: Command {
        Command("duvo", abstract: "Drive Duvo agent runs from editors, LLM tools and scripts",
                subcommands: externalCommands + [RunsCommand.spec, SimCommand.spec, WebhooksCommand.spec,
                                                       CompletionCommand.spec])
    }

    /// The text `duvo` and `duvo --help` print.
    package var overview: String {
        let commands = tree.subcommands.filter { !$0.hidden }
        let width = (commands.map(\.name.count).max() ?? 0) + 2
        let rows = commands.map { "  " + $0.name.padding(width) + $0.abstract }
        return """
            duvo \(Self.version): drive Duvo agent runs from editors, LLM tools and scripts, without writing HTTP code.

            USAGE: duvo <command> [options]

            COMMANDS:
            \(rows.joined(separator: "\n"))

            Try it with no key and no network:
              duvo runs start --agent approval --follow --simulate
              duvo rpc --simulate

            Run 'duvo <command> --help' for a command's options.
            """
    }

    /// Runs `duvo <arguments>` (without the program name) for every command but `rpc`.
    /// - Returns: the exit code; nothing here ends the process.
    package func run(_ arguments: [String], context: CommandContext) async -> ExitCode {
        guard let first = arguments.first else {
            context.print(overview)
            return .success
        }
        switch first {
        case "-h", "--help", "help":
            context.print(overview)
            return .success
        case "--version", "version":
            context.print("duvo \(Self.version)")
            return .success
        case "runs":
            return await RunsCommand.run(Array(arguments.dropFirst()), context: context)
        default:
            break
        }
        let parsed: ParsedCommand
        do {
            switch try tree.parse(arguments, environment: context.environment) {
            case .help(let text):
                context.print(text.trimmingSuffixNewlines())
                return .success
            case .command(let command): parsed = command
            }
        } catch {
            context.printError(error.description)
            return .usage
        }
        switch parsed.path.dropFirst().first {
        case "sim": return await SimCommand.run(parsed, context: context)
        case "webhooks": return await WebhooksCommand.run(parsed, context: context)
        case "completion": return CompletionCommand.run(parsed, tool: self, context: context)
        default:
            context.printError("error: '\(parsed.commandPath)' is run by the duvo executable itself")
            return .usage
        }
    }
}
