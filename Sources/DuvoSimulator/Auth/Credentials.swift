import Digest

/// Which API keys exist and which teams each may use.
///
/// Built from the `--api-key` and `--team` flags: `KEY` belongs to every `--team` (or the default team when none is
/// given), `KEY:TEAM1,TEAM2` to those teams only. With no keys at all, ``DefaultCredentials`` apply.
public struct Credentials: Sendable, Hashable {
    /// Key to its teams, in the order given (the first is where `POST /v1/runs` creates runs).
    public let teamsByKey: [String: [String]]
    /// Whether the documented default key is in use (so it can be printed at start-up).
    public let usesDefaultKey: Bool

    /// Credentials from flag values.
    ///
    /// - Throws: ``CredentialsError`` for an empty key or an empty team list after `:`.
    public init(apiKeys: [String], teams: [String]) throws(CredentialsError) {
        let baseTeams = teams.isEmpty ? [DefaultCredentials.team] : Self.unique(teams)
        guard !apiKeys.isEmpty else {
            self.teamsByKey = [DefaultCredentials.apiKey: baseTeams]
            self.usesDefaultKey = true
            return
        }
        var map: [String: [String]] = [:]
        for spec in apiKeys {
            let key: String
            let keyTeams: [String]
            if let colon = spec.firstIndex(of: ":") {
                key = String(spec[..<colon])
                keyTeams = spec[spec.index(after: colon)...].split(separator: ",").map(String.init)
                guard !keyTeams.isEmpty else { throw .noTeams(keyPrefix: Self.prefix(of: key)) }
            } else {
                key = spec
                keyTeams = baseTeams
            }
            guard !key.isEmpty, !key.contains(where: { $0 == " " || $0 == "\t" }) else { throw .invalidKey }
            map[key] = Self.unique((map[key] ?? []) + keyTeams)
        }
        self.teamsByKey = map
        self.usesDefaultKey = false
    }

    /// A fresh key for a simulator that serves one user only (`--simulate`): `dv_sim_` and 32 random bytes in hex,
    /// so other users of the machine, who can reach its loopback port, cannot call it.
    public static func randomKey() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return "dv_sim_" + Hex.encode(bytes)
    }

    /// The teams of `key`, or nil when the key is unknown.
    public func teams(for key: String) -> [String]? { teamsByKey[key] }

    private static func unique(_ items: [String]) -> [String] {
        var seen = Set<String>()
        return items.filter { seen.insert($0).inserted }
    }

    /// A few leading characters, enough to recognise a key in an error without printing it.
    private static func prefix(of key: String) -> String {
        key.count > 4 ? String(key.prefix(4)) + "..." : "..."
    }
}

/// Why `--api-key` values cannot be used.
public enum CredentialsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A key was empty or contained white space.
    case invalidKey
    /// `KEY:` was given without any team after the colon.
    case noTeams(keyPrefix: String)

    public var description: String {
        switch self {
        case .invalidKey: "--api-key needs a non-empty key without spaces (KEY or KEY:TEAM1,TEAM2)"
        case .noTeams(let prefix): "--api-key \(prefix): list at least one team after ':' (KEY:TEAM1,TEAM2)"
        }
    }
}
