/// A run's status as Duvo reports it; a status this version does not know is kept as ``unknown(_:)`` and passes
/// through unchanged.
package enum RunStatus: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    case pending
    case starting
    case running
    case waiting
    case completed
    case failed
    case stopped
    case interrupted
    /// A status Duvo may add later, kept as it came.
    case unknown(String)

    package init(rawValue: String) {
        switch rawValue {
        case "pending": self = .pending
        case "starting": self = .starting
        case "running": self = .running
        case "waiting": self = .waiting
        case "completed": self = .completed
        case "failed": self = .failed
        case "stopped": self = .stopped
        case "interrupted": self = .interrupted
        default: self = .unknown(rawValue)
        }
    }

    package var rawValue: String {
        switch self {
        case .pending: "pending"
        case .starting: "starting"
        case .running: "running"
        case .waiting: "waiting"
        case .completed: "completed"
        case .failed: "failed"
        case .stopped: "stopped"
        case .interrupted: "interrupted"
        case .unknown(let text): text
        }
    }

    /// The statuses after which a run does nothing more (until a message resumes it).
    package static let terminal: Set<RunStatus> = [.completed, .failed, .stopped, .interrupted]

    /// Whether the run has ended. Unknown statuses count as not terminal, so nothing is cut short.
    package var isTerminal: Bool { Self.terminal.contains(self) }

    /// Whether the run is paused for a person.
    package var needsAttention: Bool { self == .waiting }

    package var description: String { rawValue }
}

extension RunStatus: ExpressibleByStringLiteral {
    /// A status written as its text (`"running"`), as tests and fixtures do.
    package init(stringLiteral value: String) { self.init(rawValue: value) }
}
