/// Subscribers that stop reading. A subscription whose subscriber leaves more than ``PollTuning/maxUnreadEvents`` of
/// its events unread (a client that stopped reading its notifications) is paused: taken off its run, which is then
/// read for its other subscribers alone, or not at all. Once the subscriber has read most of them it goes on where it
/// stopped, with the message after the last one it was handed and the status it was last told, as a follow from
/// there would: nothing is skipped or repeated, its messages wait at Duvo meanwhile, and the events held for it stay
/// bounded.
extension PollCore {
    /// A paused subscription: its run, and where it stopped.
    struct PausedSubscriber {
        let runID: String
        let subscriber: WatchedRun.Subscriber
    }

    /// The subscriptions paused now, in order.
    package var pausedSubscriptions: [UInt64] { paused.keys.sorted() }

    /// Whether subscription `id` is paused.
    package func isPaused(_ id: UInt64) -> Bool { paused[id] != nil }

    /// Whether anything needs driving: a run watched, or a paused subscription to resume.
    package var needsDriving: Bool { !isIdle || (!isShutDown && !paused.isEmpty) }

    /// Takes subscription `id` off its run until its subscriber catches up.
    mutating func pause(_ id: UInt64, effects: inout [PollEffect]) {
        guard let runID = runOfSubscription[id], let subscriber = runs[runID]?.subscribers.removeValue(forKey: id)
        else { return }
        paused[id] = PausedSubscriber(runID: runID, subscriber: subscriber)
        if runs[runID]?.subscribers.isEmpty == true { runs[runID] = nil }
        effects.append(.log(.warning, "run \(runID): a follow's subscriber left \(tuning.maxUnreadEvents) events "
                                      + "unread (a client not reading its notifications); it is paused until it reads"))
    }

    /// Subscription `id` goes on where it stopped.
    mutating func resume(_ id: UInt64, now: Double, effects: inout [PollEffect]) {
        guard let held = paused.removeValue(forKey: id) else { return }
        effects.append(.log(.info, "run \(held.runID): a paused follow's subscriber caught up; it goes on"))
        subscribe(id: id, runID: held.runID, subscriber: held.subscriber, knownRun: nil, now: now, effects: &effects)
    }
}
