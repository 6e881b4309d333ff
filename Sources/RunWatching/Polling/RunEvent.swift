import DuvoAPI
import JSONCore

/// Something a follow or a wait learns about a run, in the order it must be reported.
package enum RunEvent: Sendable, Hashable {
    /// A message at its 0-based position in the run; each position is reported once, in order.
    case message(index: Int, message: Message)
    /// The run's status changed (or is reported for the first time, with `previous` nil). `pendingHumanRequest` is
    /// nil when the run waits for no one (or when a listing, which does not carry it, reported the status).
    case status(status: RunStatus, previous: RunStatus?, run: Run, pendingHumanRequest: HumanRequest?)
    /// The follow cannot make progress for now: Duvo refuses for a while (429), fails (5xx), does not answer or
    /// cannot be reached. It keeps trying with back-off; ``recovered(stalledSeconds:)`` says when it works again.
    case stalled(error: DuvoAPIError)
    /// The follow makes progress again after ``stalled(error:)``, which began `stalledSeconds` ago.
    case recovered(stalledSeconds: Double)
    /// The subscription is over; nothing follows this event.
    case ended(status: RunStatus?, reason: FollowEndReason, error: DuvoAPIError?)
}

/// Why a subscription ended.
package enum FollowEndReason: String, Sendable {
    /// The run reached a terminal status, after all its messages were reported.
    case terminal
    /// The subscriber asked to stop (or its wait timed out).
    case unfollowed
    /// Duvo refused to tell us more (the run vanished, the key was rejected, ...).
    case error
    /// The process is shutting down.
    case shutdown
}
