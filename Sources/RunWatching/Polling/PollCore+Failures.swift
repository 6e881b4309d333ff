import DuvoAPI

/// Failed requests: answers that cannot change end the follows; trouble that passes is retried with back-off for as
/// long as the follow lives, and its subscribers are told it stalled and, later, that it recovered.
extension PollCore {
    /// Whether `error` is an answer that cannot change by asking again (the run is gone, the key is refused, ...).
    static func isFinal(_ error: DuvoAPIError) -> Bool {
        switch error {
        case .notFound, .unauthorized, .forbidden, .notConfigured, .unsupported, .rejected: true
        case .rateLimited, .unavailable, .unexpectedStatus, .network, .timeout, .invalidResponse, .cancelled: false
        case .outcomeUnknown(let failure, _): isFinal(failure)
        }
    }

    /// The pause before trying a run again after `failures` failures in a row.
    func backoff(failures: Int) -> Double {
        min(30, tuning.activeInterval * tuning.scale * Double(1 << min(failures, 5)))
    }

    /// Takes in the failure of `request`.
    mutating func take(_ error: DuvoAPIError, of request: PollRequest, now: Double, effects: inout [PollEffect]) {
        if case .listPage(let ticket, _) = request {
            sweepFailed(error, ticket: ticket, now: now, effects: &effects)
            return
        }
        let runID: String
        switch request {
        case .readRun(_, let id, _), .readMessages(_, let id, _, _, _): runID = id
        case .listPage: return
        }
        if runs[runID]?.statusRead == request.ticket {
            // Beside the run's own requests, which go on: sweeps and its reads tell what this did not.
            runs[runID]?.statusRead = nil
            if error != .cancelled { effects.append(.log(.debug, "status read of \(runID) beside its fetch failed (\(error.message))")) }
            return
        }
        guard var run = runs[runID], let inFlight = run.inFlight, inFlight.ticket == request.ticket else { return }
        run.settle()
        if case .fetch(_, let news, _, _, _, _) = inFlight {
            // The news stays: the next fetch starts where this one stopped (delivered messages are not repeated).
            run.markStale(updatedAt: news.updatedAt, now: news.since)
        }
        runs[runID] = run
        if error == .cancelled { return }
        if Self.isFinal(error) {
            effects.append(.log(.warning, "follow of \(runID) ended: \(error.message)"))
            end(runID, status: run.lastStatus, reason: .error, error: error, effects: &effects)
            return
        }
        let pause = backoff(failures: run.ownRequestFailed(at: now))
        switch inFlight {
        case .poll: run.next.due = now + pause
        case .fetch:
            if var news = run.news {
                news.notBefore = now + pause
                run.setNews(news)
            }
        }
        runs[runID] = run
        effects.append(.log(.debug, "request for \(runID) failed (\(error.message)); next try in \(pause) s"))
        stall(runID, error: error, bySweeps: false, now: now, effects: &effects)
    }

    /// Tells `runID`'s subscribers not yet told that its follow cannot make progress for now.
    mutating func stall(_ runID: String, error: DuvoAPIError, bySweeps: Bool, now: Double,
                        effects: inout [PollEffect]) {
        guard var run = runs[runID] else { return }
        run.stalls(since: now, bySweeps: bySweeps)
        for (id, subscriber) in run.subscribers.sorted(by: { $0.key < $1.key }) where !subscriber.toldStalled {
            effects.append(.emit(subscription: id, .stalled(error: error)))
            run.subscribers[id]?.toldStalled = true
        }
        runs[runID] = run
    }

    /// Tells `runID`'s subscribers that were told of a stall that the follow works again. With `bySweeps`, only a
    /// stall that failing sweeps caused ends (a run whose own requests fail stays stalled).
    mutating func recover(_ runID: String, bySweeps: Bool = false, now: Double, effects: inout [PollEffect]) {
        guard var run = runs[runID], let stall = run.recovers(bySweeps: bySweeps) else { return }
        for (id, subscriber) in run.subscribers.sorted(by: { $0.key < $1.key }) where subscriber.toldStalled {
            effects.append(.emit(subscription: id, .recovered(stalledSeconds: max(0, now - stall.since))))
            run.subscribers[id]?.toldStalled = false
        }
        runs[runID] = run
    }
}
