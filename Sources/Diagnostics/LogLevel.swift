/// How much a process says on stderr, from the quietest to the most talkative.
public enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    case error = 0
    case warning
    case info
    case debug
    case trace

    /// Reads a level from its name (`error`, `warn`/`warning`, `info`, `debug`, `trace`), case-insensitively.
    public init?(name: String) {
        switch name.lowercased() {
        case "error": self = .error
        case "warn", "warning": self = .warning
        case "info": self = .info
        case "debug": self = .debug
        case "trace": self = .trace
        default: return nil
        }
    }

    /// The level's name as it appears in log lines.
    public var name: String {
        switch self {
        case .error: "error"
        case .warning: "warn"
        case .info: "info"
        case .debug: "debug"
        case .trace: "trace"
        }
    }

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}
