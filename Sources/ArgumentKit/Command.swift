/// A command in a tree of commands, such as `duvo runs start`, with its options, positionals and subcommands.
///
/// Options declared on a command are also accepted by its subcommands, so global flags can be written anywhere.
public struct Command: Sendable {
    /// The word that selects this command.
    public let name: String
    /// One line saying what the command does, shown in its parent's help.
    public let abstract: String
    /// Further paragraphs for `--help` (examples, notes).
    public let discussion: String?
    /// The command's named options.
    public let options: [Option]
    /// The command's positional arguments, in order.
    public let positionals: [Positional]
    /// The commands nested under this one.
    public let subcommands: [Command]
    /// Whether the command runs when named without a subcommand (`duvo sim` serves, `duvo sim agents` lists);
    /// otherwise a command with subcommands is a group that shows its help.
    public let runsWithoutSubcommand: Bool
    /// Whether help and shell completions leave the command out (commands `duvo` runs itself).
    public let hidden: Bool

    /// A command; a group when it has subcommands, unless `runsWithoutSubcommand`.
    public init(_ name: String, abstract: String, discussion: String? = nil, options: [Option] = [],
                positionals: [Positional] = [], subcommands: [Command] = [], runsWithoutSubcommand: Bool = false,
                hidden: Bool = false) {
        self.name = name
        self.abstract = abstract
        self.discussion = discussion
        self.options = options
        self.positionals = positionals
        self.subcommands = subcommands
        self.runsWithoutSubcommand = runsWithoutSubcommand
        self.hidden = hidden
    }

    /// Parses `arguments` (without the program name) against this command tree.
    ///
    /// - Parameter environment: where options with an `environment` twin are looked up when absent.
    /// - Throws: ``UsageError`` for an unknown option or command (with the closest match suggested), a missing value,
    ///   a missing or extra positional.
    public func parse(_ arguments: [String], environment: [String: String] = [:]) throws(UsageError) -> ParseResult {
        var parser = CommandLineParser(root: self, environment: environment)
        return try parser.parse(arguments)
    }
}
