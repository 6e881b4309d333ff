/// A run's status as Duvo reports it; any string is kept, so statuses this version does not know pass through.
public struct RunStatus: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let pending = RunStatus(rawValue: "pending")
    public static let starting = RunStatus(rawValue: "starting")
    public static let running = RunStatus(rawValue: "running")
    public static let waiting = RunStatus(rawValue: "waiting")
    public static let completed = RunStatus(rawValue: "completed")
    public static let failed = RunStatus(rawValue: "failed")
    public static let stopped = RunStatus(rawValue: "stopped")
    public static let interrupted = RunStatus(rawValue: "interrupted")

    /// The statuses after which a run does nothing more (until a message resumes it).
    public static let terminal: Set<RunStatus> = [.completed, .failed, .stopped, .interrupted]

    /// Whether the run has ended. Unknown statuses count as not terminal, so nothing is cut short.
    public var isTerminal: Bool { Self.terminal.contains(self) }

    /// Whether the run is paused for a person.
    public var needsAttention: Bool { self == .waiting }

    public var description: String { rawValue }
}
