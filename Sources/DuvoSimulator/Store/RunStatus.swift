/// Where a run is in its lifecycle, with the wire names the API uses.
public enum RunStatus: String, Sendable, Hashable, CaseIterable {
    case pending, starting, running, waiting, completed, failed, stopped, interrupted

    /// Whether the run has ended (until a message resumes a completed or interrupted one).
    public var isTerminal: Bool {
        switch self {
        case .completed, .failed, .stopped, .interrupted: true
        case .pending, .starting, .running, .waiting: false
        }
    }

    /// Whether a posted message restarts the run (the API's "resumable state").
    var isResumable: Bool { self == .waiting || self == .completed || self == .interrupted }
}
