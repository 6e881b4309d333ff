import DuvoAPI
import JSONCore
import KeyCoordination

/// The Duvo calls the poll scheduler makes, behind a protocol so that tests can drive it in process.
///
/// ``DuvoClient`` is the real one: every call goes through its rate budget and retries.
package protocol PollTransport: Sendable {
    /// Whether team-wide listing is available (API v2 with a team), which lets sweeps watch many runs at once.
    var canListRuns: Bool { get }
    /// The largest page of messages one request may ask for.
    var maxMessagePageSize: Int { get }
    /// The requests allowed per minute (0: no limit known), which spaces sweeps out.
    var rateLimitPerMinute: Int { get }
    /// Reads a run and its pending human request.
    func getRun(_ runID: String, priority: RateBudget.Priority) async throws(DuvoAPIError) -> RunRead
    /// Reads one page of a run's messages, with the server's clock when it answered.
    func datedMessages(_ runID: String, limit: Int?, offset: Int?, priority: RateBudget.Priority)
        async throws(DuvoAPIError) -> DatedMessagePage
    /// Lists one page of the team's runs.
    func listRuns(_ filter: RunListFilter, teamID: String?, priority: RateBudget.Priority)
        async throws(DuvoAPIError) -> RunPage
    /// Whether other processes sent requests with this key within the last minute (a budget shared with them shows
    /// it), so that sweeps shared with them are worth starting from the first followed run.
    func othersUseKey() async -> Bool
}

extension DuvoClient: PollTransport {
    /// The configured limit of the process's rate budget.
    package var rateLimitPerMinute: Int { budget.limit }

    /// Whether the shared budget holds other processes' requests of the last minute.
    package func othersUseKey() async -> Bool { await budget.othersSentLately() }
}
