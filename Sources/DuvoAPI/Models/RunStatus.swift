/// A run's status as Duvo reports it; any string is kept, so statuses this version does not know pass through.
package struct RunStatus: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    package let rawValue: String
    package init(rawValue: String) { self.rawValue = rawValue }

    package static let pending = RunStatus(rawValue: "pending")
    package static let starting = RunStatus(rawValue: "starting")
    package static let running = RunStatus(rawValue: "running")
    package static let waiting = RunStatus(rawValue: "waiting")
    package static let completed = RunStatus(rawValue: "completed")
    package static let failed = RunStatus(rawValue: "failed")
    package static let stopped = RunStatus(rawValue: "stopped")
    package static let interrupted = RunStatus(rawValue: "interrupted")

    /// The statuses after which a run does nothing more (until a message resumes it).
    package static let terminal: Set<RunStatus> = [.completed, .failed, .stopped, .interrupted]

    /// Whether the run has ended. Unknown statuses count as not terminal, so nothing is cut short.
    package var isTerminal: Bool { Self.terminal.contains(self) }

    /// Whether the run is paused for a person.
    package var needsAttention: Bool { self == .waiting }

    package var description: String { rawValue }
}
