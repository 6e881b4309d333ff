import DuvoAPI

/// Prints what a follow learns about a run, in one of the two follow formats (transcript or JSON Lines).
protocol FollowPrinter: Sendable {
    /// A message at its 0-based position in the run; each position arrives once, in order.
    func message(index: Int, message: Message) async
    /// The run's status changed (`previous` is nil for the first report).
    func status(_ status: RunStatus, previous: RunStatus?, pendingHumanRequest: HumanRequest?) async
    /// The run ended in `status` (terminal) after all its messages were printed.
    func finished(status: String) async
    /// The follow stopped early because Duvo could not be read; `status` is the last one seen.
    func failed(status: String?, message: String) async
}
