import Diagnostics
import DuvoAPI
import JSONRPC
import KeyCoordination
import RunWatching

/// What every method needs: the client core, the poll scheduler and the follows of this connection.
public final class Bridge: Sendable {
    /// The Duvo client shared by every method.
    public let client: DuvoClient
    /// The scheduler behind follows and waits.
    public let scheduler: PollScheduler
    /// Each run operation, which every method calls.
    package let operations: RunOperations
    /// The follows running on this connection.
    let follows: FollowManager
    /// Where diagnostics go (stderr).
    public let logger: Logger

    /// A bridge over `client`, polling as `tuning` says and sharing sweeps through `coordination` (the one the
    /// client's budget was made with).
    public convenience init(client: DuvoClient, coordination: Coordination, tuning: PollTuning = PollTuning(),
                logger: Logger) {
        self.init(client: client, coordination: coordination, tuning: tuning, logger: logger, webhooks: nil)
    }

    /// With `webhooks`, the runs it starts ask Duvo for events, which make their reads due.
    package init(client: DuvoClient, coordination: Coordination, tuning: PollTuning = PollTuning(),
                 logger: Logger, webhooks: Webhooks?) {
        self.client = client
        self.logger = logger
        scheduler = PollScheduler(client: client, coordination: coordination, tuning: tuning, logger: logger,
                                  events: webhooks?.events)
        operations = RunOperations(client: client, scheduler: scheduler, webhook: webhooks?.url)
        follows = FollowManager(operations: operations)
    }

    /// Runs an operation inside a method, carrying its failure whole as a ``BridgeFailure``.
    ///
    /// Not a convention to remember: a method throws only ``BridgeFailure``, so an operation called outside this (or
    /// an equivalent `catch`) does not compile.
    func run<T: Sendable>(_ body: (RunOperations) async throws(RunOperationError) -> T)
        async throws(BridgeFailure) -> T
    {
        do {
            return try await body(operations)
        } catch {
            throw BridgeFailure(error)
        }
    }

    /// Ends every follow (each gets `runs/followEnded` with reason `shutdown`), for a clean exit.
    public func shutdown() async {
        await follows.shutdown()
    }
}
