/// One command of a tree as shell completion sees it: the words that lead to it, what may follow them.
public struct CompletionEntry: Sendable {
    /// The command words from the root, e.g. `["duvo", "runs", "start"]`.
    public let path: [String]
    /// The visible subcommands, with their abstracts.
    public let subcommands: [(name: String, abstract: String)]
    /// The visible options, its own and its ancestors'.
    public let options: [Option]
    /// The values its positional arguments accept (empty when any value goes).
    public let positionalChoices: [String]

    /// `path` joined by spaces, as the generated scripts match it.
    public var key: String { path.joined(separator: " ") }

    /// Every visible command of `root`'s tree, parents before children.
    public static func entries(of root: Command) -> [CompletionEntry] {
        var result: [CompletionEntry] = []
        func visit(_ command: Command, path: [String], inherited: [Option]) {
            let options = (command.options + inherited).filter { !$0.hidden }
            let subcommands = command.subcommands.filter { !$0.hidden }
            result.append(CompletionEntry(
                path: path, subcommands: subcommands.map { ($0.name, $0.abstract) }, options: options,
                positionalChoices: command.positionals.flatMap(\.choices)))
            for sub in subcommands { visit(sub, path: path + [sub.name], inherited: command.options + inherited) }
        }
        visit(root, path: [root.name], inherited: [])
        return result
    }
}
