/// A named command-line option: a `--flag` that is on or off, or a `--name VALUE` that takes a value.
public struct Option: Sendable {
    /// What the option carries.
    public enum Kind: Sendable, Equatable {
        /// On when present; takes no value.
        case flag
        /// Takes a value, written `--name VALUE` or `--name=VALUE`.
        case value(valueName: String)
    }

    /// The long name without dashes, e.g. `api-key` for `--api-key`.
    public let name: String
    /// An optional one-letter alias, e.g. `m` for `-m`.
    public let short: Character?
    /// A flag or a value.
    public let kind: Kind
    /// One line for `--help`.
    public let help: String
    /// Whether the option may be given more than once (all values are kept, in order).
    public let repeatable: Bool
    /// An environment variable read when the option is absent (the flag wins over the variable).
    public let environment: String?
    /// The value used when neither the option nor its variable is given; shown in `--help`.
    public let defaultValue: String?
    /// Whether to leave the option out of `--help` (for aliases kept for compatibility).
    public let hidden: Bool
    /// The values the option accepts, for shell completion: given explicitly, or read from a value name written
    /// as alternatives (`v1|v2`); empty when any value goes.
    public var choices: [String] {
        if !explicitChoices.isEmpty { return explicitChoices }
        guard case .value(let valueName) = kind, valueName.contains("|") else { return [] }
        return valueName.split(separator: "|").map(String.init)
    }
    private let explicitChoices: [String]
    /// For a flag: the variants it may be given as, `--name=VARIANT` (or its variable set to one), read with
    /// ``ParsedCommand/value(_:)``; a plain `--name` has no value.
    public private(set) var variants: [String] = []

    /// A `--name` switch; with `variants`, also `--name=VARIANT`.
    public static func flag(_ name: String, short: Character? = nil, help: String, environment: String? = nil,
                            variants: [String] = [], hidden: Bool = false) -> Option {
        var option = Option(name: name, short: short, kind: .flag, help: help, repeatable: false,
                            environment: environment, defaultValue: nil, hidden: hidden, explicitChoices: [])
        option.variants = variants
        return option
    }

    /// A `--name VALUE` option.
    public static func value(_ name: String, short: Character? = nil, valueName: String = "VALUE", help: String,
                             repeatable: Bool = false, environment: String? = nil, defaultValue: String? = nil,
                             choices: [String] = [], hidden: Bool = false) -> Option {
        Option(name: name, short: short, kind: .value(valueName: valueName), help: help, repeatable: repeatable,
               environment: environment, defaultValue: defaultValue, hidden: hidden, explicitChoices: choices)
    }

    /// How the option is written in usage lines, e.g. `--port N` or `--json`.
    var synopsis: String {
        switch kind {
        case .flag: variants.isEmpty ? "--\(name)" : "--\(name)[=\(variants.joined(separator: "|"))]"
        case .value(let valueName): "--\(name) \(valueName)"
        }
    }
}
