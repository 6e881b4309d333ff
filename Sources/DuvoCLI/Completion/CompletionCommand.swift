import ArgumentKit

/// `duvo completion bash|zsh|fish`: prints a completion script generated from the command tree, so commands,
/// subcommands, flags and their choices complete exactly as the parser accepts them.
enum CompletionCommand {
    /// The shells a script can be printed for.
    static let shells = ["bash", "zsh", "fish"]

    static let spec = Command(
        "completion", abstract: "Print a shell completion script (bash, zsh or fish)",
        discussion: """
            Load it in the current shell, or install it for every new one:
              source <(duvo completion bash)                 # bash; or save it to
                                                             #   ~/.local/share/bash-completion/completions/duvo
              duvo completion zsh > "${fpath[1]}/_duvo"      # zsh (then restart it)
              duvo completion fish > ~/.config/fish/completions/duvo.fish
            """,
        positionals: [Positional("shell", help: "bash, zsh or fish", choices: shells)])

    static func run(_ parsed: ParsedCommand, tool: DuvoTool, context: CommandContext) -> ExitCode {
        let entries = CompletionEntry.entries(of: tool.tree)
        switch parsed.positional("shell") {
        case "bash": context.print(BashCompletion(entries: entries).script)
        case "zsh": context.print(ZshCompletion(entries: entries).script)
        case "fish": context.print(FishCompletion(entries: entries).script)
        case let other:
            context.printError(UsageError("unknown shell '\(other ?? "")'; expected one of: "
                + shells.joined(separator: ", "), commandPath: parsed.commandPath).description)
            return .usage
        }
        return .success
    }
}

extension String {
    /// The string in single quotes for a POSIX shell (and zsh and fish, which read `'\''` the same way... except
    /// fish, which gets its own escaping in ``fishQuoted``).
    var shellQuoted: String { "'" + replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// The string in single quotes for fish (backslash and quote escaped inside).
    var fishQuoted: String {
        "'" + replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }
}
