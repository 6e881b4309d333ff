import DuvoAPI
import JSONCore
import KeyCoordination

/// A request the poll scheduler's core asks its driver to make; the answer comes back as a ``PollEvent``.
///
/// `ticket` ties the answer to the request: an answer whose ticket the core no longer waits for (the run was
/// unfollowed and followed again meanwhile) is ignored.
package enum PollRequest: Sendable, Hashable {
    /// Reads a run and its pending human request.
    case readRun(ticket: UInt64, runID: String, priority: RateBudget.Priority)
    /// Reads a page of a run's messages from position `from`.
    case readMessages(ticket: UInt64, runID: String, from: Int, limit: Int, priority: RateBudget.Priority)
    /// Lists a page of the team's runs, newest change first, from position `offset` (one sweep's pages).
    case listPage(ticket: UInt64, offset: Int)

    /// The ticket the answer carries back.
    package var ticket: UInt64 {
        switch self {
        case .readRun(let ticket, _, _), .readMessages(let ticket, _, _, _, _), .listPage(let ticket, _): ticket
        }
    }
}

/// What Duvo answered to a ``PollRequest``.
package enum PollAnswer: Sendable {
    /// `GET /runs/{id}`: the run and its pending request.
    case run(RunRead)
    /// `GET /runs/{id}/messages`, with the server's clock.
    case messages(DatedMessagePage)
    /// `GET /v2/teams/{team}/runs`: one page of the team's runs.
    case page(RunPage)
}
