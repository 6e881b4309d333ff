/// Walks the words of a command line down a ``Command`` tree, collecting option and positional values.
struct CommandLineParser {
    let root: Command
    let environment: [String: String]

    private var chain: [Command] = []
    private var flags: Set<String> = []
    private var values: [String: [String]] = [:]
    private var words: [String] = []
    private var wantsHelp = false

    init(root: Command, environment: [String: String]) {
        self.root = root
        self.environment = environment
    }

    private var current: Command { chain.last ?? root }
    private var commandPath: String { chain.map(\.name).joined(separator: " ") }

    mutating func parse(_ arguments: [String]) throws(UsageError) -> ParseResult {
        chain = [root]
        var index = 0
        var optionsEnded = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if optionsEnded || argument == "-" || !argument.hasPrefix("-") {
                if words.isEmpty, !optionsEnded, let sub = current.subcommands.first(where: { $0.name == argument }) {
                    chain.append(sub)
                } else if words.isEmpty, !current.subcommands.isEmpty, current.positionals.isEmpty,
                          !current.runsWithoutSubcommand {
                    throw UsageError(unknownCommandMessage(argument), commandPath: commandPath)
                } else {
                    words.append(argument)
                }
                continue
            }
            if argument == "--" {
                optionsEnded = true
                continue
            }
            if argument == "--help" || argument == "-h" {
                wantsHelp = true
                continue
            }
            try readOption(argument, arguments: arguments, index: &index)
        }
        let isGroup = !current.subcommands.isEmpty && !current.runsWithoutSubcommand
        if wantsHelp || (isGroup && current.positionals.isEmpty && words.isEmpty) {
            return .help(HelpFormatter(chain: chain).render())
        }
        let positionalValues = try assignPositionals()
        let written = flags.union(values.keys)
        applyEnvironmentAndDefaults()
        return .command(ParsedCommand(path: chain.map(\.name), flags: flags, values: values,
                                      positionalValues: positionalValues, written: written))
    }

    /// Options visible at this point: the current command's and its ancestors'.
    private var visibleOptions: [Option] { chain.reversed().flatMap(\.options) }

    private mutating func readOption(_ argument: String, arguments: [String], index: inout Int) throws(UsageError) {
        var name: String
        var inlineValue: String?
        let option: Option?
        if argument.hasPrefix("--") {
            name = String(argument.dropFirst(2))
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            option = visibleOptions.first { $0.name == name }
        } else {
            name = String(argument.dropFirst())
            if name.count > 1, let first = name.first {
                // `-mVALUE` form for a value option.
                inlineValue = String(name.dropFirst())
                name = String(first)
            }
            option = visibleOptions.first { $0.short.map(String.init) == name }
        }
        guard let option else {
            throw UsageError(unknownOptionMessage(argument), commandPath: commandPath)
        }
        switch option.kind {
        case .flag:
            if let inlineValue {
                guard option.variants.contains(inlineValue) else {
                    let accepted = option.variants.isEmpty ? "takes no value"
                        : "takes no value or one of \(option.variants.joined(separator: ", ")), not '\(inlineValue)'"
                    throw UsageError("option '--\(option.name)' \(accepted)", commandPath: commandPath)
                }
                values[option.name] = [inlineValue]
            }
            flags.insert(option.name)
        case .value(let valueName):
            let value: String
            if let inlineValue {
                value = inlineValue
            } else if index < arguments.count, !(arguments[index].hasPrefix("--") && arguments[index].count > 2) {
                value = arguments[index]
                index += 1
            } else {
                throw UsageError("option '--\(option.name)' needs a value (\(valueName))", commandPath: commandPath)
            }
            if option.repeatable {
                values[option.name, default: []].append(value)
            } else {
                values[option.name] = [value]
            }
        }
    }

    private func assignPositionals() throws(UsageError) -> [String: [String]] {
        var result: [String: [String]] = [:]
        var remaining = words[...]
        for positional in current.positionals {
            if positional.variadic {
                result[positional.name] = Array(remaining)
                if remaining.isEmpty && !positional.optional {
                    throw UsageError("missing \(positional.name.uppercased())", commandPath: commandPath)
                }
                remaining = []
            } else if let word = remaining.first {
                result[positional.name] = [word]
                remaining = remaining.dropFirst()
            } else if !positional.optional {
                throw UsageError("missing \(positional.name.uppercased()) (\(positional.help))",
                                 commandPath: commandPath)
            }
        }
        if let extra = remaining.first {
            throw UsageError("unexpected argument '\(extra)'", commandPath: commandPath)
        }
        return result
    }

    private mutating func applyEnvironmentAndDefaults() {
        for option in visibleOptions {
            switch option.kind {
            case .flag:
                if !flags.contains(option.name), let variable = option.environment, let text = environment[variable] {
                    if ["1", "true", "yes", "on"].contains(text.lowercased()) {
                        flags.insert(option.name)
                    } else if option.variants.contains(text.lowercased()) {
                        flags.insert(option.name)
                        values[option.name] = [text.lowercased()]
                    }
                }
            case .value:
                guard values[option.name] == nil else { continue }
                if let variable = option.environment, let text = environment[variable], !text.isEmpty {
                    values[option.name] = [text]
                } else if let fallback = option.defaultValue {
                    values[option.name] = [fallback]
                }
            }
        }
    }

    private func unknownOptionMessage(_ argument: String) -> String {
        let names = visibleOptions.filter { !$0.hidden }.map { "--" + $0.name } + ["--help"]
        let written = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
        if let suggestion = Suggestion.closest(to: written, among: names) {
            return "unknown option '\(written)'; did you mean '\(suggestion)'?"
        }
        return "unknown option '\(written)'"
    }

    private func unknownCommandMessage(_ word: String) -> String {
        let names = current.subcommands.filter { !$0.hidden }.map(\.name)
        if let suggestion = Suggestion.closest(to: word, among: names) {
            return "unknown command '\(word)'; did you mean '\(suggestion)'?"
        }
        return "unknown command '\(word)'; expected one of: \(names.joined(separator: ", "))"
    }
}
