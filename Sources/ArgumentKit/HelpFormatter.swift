/// Renders `--help` text for the last command of a chain, in the familiar USAGE / ARGUMENTS / OPTIONS layout.
struct HelpFormatter {
    let chain: [Command]

    func render() -> String {
        guard let command = chain.last else { return "" }
        let path = chain.map(\.name).joined(separator: " ")
        var lines: [String] = []
        var usage = "USAGE: \(path)"
        if !command.subcommands.isEmpty && command.positionals.isEmpty {
            usage += command.runsWithoutSubcommand ? " [<command>]" : " <command>"
        }
        for positional in command.positionals { usage += " " + positional.synopsis }
        usage += " [options]"
        lines.append(command.abstract)
        lines.append("")
        lines.append(usage)
        if let discussion = command.discussion {
            lines.append("")
            lines.append(discussion)
        }
        if !command.positionals.isEmpty {
            lines.append("")
            lines.append("ARGUMENTS:")
            lines += table(command.positionals.map { ($0.synopsis, $0.help) })
        }
        let inherited = chain.dropLast().reversed().flatMap(\.options)
        let options = (command.options + inherited).filter { !$0.hidden }
        var rows = options.map { option -> (String, String) in
            let short = option.short.map { "-\($0), " } ?? ""
            var help = option.help
            if let variable = option.environment { help += " (env: \(variable))" }
            if let fallback = option.defaultValue { help += " (default: \(fallback))" }
            if option.repeatable { help += " (repeatable)" }
            return (short + option.synopsis, help)
        }
        rows.append(("-h, --help", "Show help for this command."))
        lines.append("")
        lines.append("OPTIONS:")
        lines += table(rows)
        let visible = command.subcommands.filter { !$0.hidden }
        if !visible.isEmpty {
            lines.append("")
            lines.append("COMMANDS:")
            lines += table(visible.map { ($0.name, $0.abstract) })
            lines.append("")
            lines.append("Run '\(path) <command> --help' for a command's options.")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func table(_ rows: [(String, String)]) -> [String] {
        let width = min(32, (rows.map(\.0.count).max() ?? 0) + 2)
        return rows.map { left, right in
            let pad = left.count < width ? String(repeating: " ", count: width - left.count) : "  "
            return "  " + left + pad + right
        }
    }
}
