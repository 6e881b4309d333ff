/// A severity of MCP's logging utility (the syslog levels of RFC 5424), ordered from least to most severe.
enum MCPLogLevel: String, CaseIterable, Comparable, Sendable {
    case debug, info, notice, warning, error, critical, alert, emergency

    /// The position in `allCases`, which lists the levels from least to most severe.
    private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    static func < (lhs: MCPLogLevel, rhs: MCPLogLevel) -> Bool { lhs.rank < rhs.rank }

    /// Every level's name, for the message of an unknown one.
    static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
