import DuvoAPI
import JSONCore
import KeyCoordination

/// A run's own reads (its polls) and the message fetches sweeps schedule, and what their answers change.
extension PollCore {
    /// Starts reading `runID` itself (and, when it is not swept, its new messages after).
    mutating func startPoll(_ runID: String, now: Double, effects: inout [PollEffect]) {
        guard var run = runs[runID] else { return }
        // A read that will report a status goes first; routine per-run polls get the background share, so under
        // load statuses are not stuck behind them.
        let priority: RateBudget.Priority = run.next.statusPending ? .status : .background
        let ticket = takeTicket()
        let known = run.begin(.poll(ticket: ticket, priority: priority, readsMessages: !run.isSwept,
                                    highWaterAtStart: sweep.highWater, read: nil, serverDate: nil, pages: 0))
        runs[runID] = run
        guard let known, !run.isSwept else {
            effects.append(.send(.readRun(ticket: ticket, runID: runID, priority: priority)))
            return
        }
        // The caller read the run just before following it: go on from that read as if this poll had made it.
        take(.run(known), to: .readRun(ticket: ticket, runID: runID, priority: priority), now: now,
             effects: &effects)
    }

    /// Starts fetching the messages sweeps said are new (background share).
    mutating func startFetch(_ runID: String, effects: inout [PollEffect]) {
        guard var run = runs[runID], let news = run.news else { return }
        let ticket = takeTicket()
        _ = run.begin(.fetch(ticket: ticket, news: news, terminal: run.endingStatus,
                             highWaterAtStart: sweep.highWater, serverDate: nil, pages: 0))
        run.setNews(nil)
        runs[runID] = run
        guard let from = run.lowestWantedIndex else {
            finishFetch(runID, now: news.since, effects: &effects)
            return
        }
        effects.append(.send(.readMessages(ticket: ticket, runID: runID, from: from, limit: pageSize,
                                           priority: .background)))
    }

    /// Takes in Duvo's answer to `request`.
    mutating func take(_ answer: PollAnswer, to request: PollRequest, now: Double, effects: inout [PollEffect]) {
        switch (request, answer) {
        case (.listPage(let ticket, _), .page(let page)):
            takePage(page, ticket: ticket, now: now, effects: &effects)
        case (.readRun(let ticket, let runID, _), .run(let snapshot)) where runs[runID]?.statusRead == ticket:
            takeStatusRead(snapshot, runID: runID, now: now, effects: &effects)
        case (.readRun(let ticket, let runID, _), .run(let snapshot)):
            guard case .poll(ticket, let priority, let readsMessages, let highWater, _, _, _)? = runs[runID]?.inFlight
            else { return }
            recover(runID, now: now, effects: &effects)
            runs[runID]?.advance(.poll(ticket: ticket, priority: priority, readsMessages: readsMessages,
                                       highWaterAtStart: highWater, read: snapshot, serverDate: nil, pages: 0))
            if readsMessages, let from = runs[runID]?.lowestWantedIndex {
                effects.append(.send(.readMessages(ticket: ticket, runID: runID, from: from, limit: pageSize,
                                                   priority: priority)))
            } else {
                finishPoll(runID, now: now, effects: &effects)
            }
        case (.readMessages(let ticket, let runID, let from, _, let priority), .messages(let answer)):
            guard let inFlight = runs[runID]?.inFlight, inFlight.ticket == ticket else { return }
            recover(runID, now: now, effects: &effects)
            // A follow from an earlier message may have joined while this page was read: the read goes on from its
            // place (the other followers have had those messages) before the run's status can be reported.
            let more = deliver(answer.page, runID: runID, from: from, effects: &effects)
                || (runs[runID]?.lowestWantedIndex).map { $0 < from } == true
            // The first page's `Date` is the one that tells whether the second of the last change was over.
            let pages: Int
            switch inFlight {
            case .poll(_, let priority, let readsMessages, let highWater, let read, let date, let before):
                pages = before + 1
                runs[runID]?.advance(.poll(ticket: ticket, priority: priority, readsMessages: readsMessages,
                                           highWaterAtStart: highWater, read: read,
                                           serverDate: date ?? answer.serverDate, pages: pages))
            case .fetch(_, let news, let terminal, let highWater, let date, let before):
                pages = before + 1
                runs[runID]?.advance(.fetch(ticket: ticket, news: news, terminal: terminal,
                                            highWaterAtStart: highWater, serverDate: date ?? answer.serverDate,
                                            pages: pages))
            }
            if more, pages >= tuning.maxMessagePagesPerRead {
                cutShort(runID, now: now, effects: &effects)
            } else if more, let next = runs[runID]?.lowestWantedIndex {
                effects.append(.send(.readMessages(ticket: ticket, runID: runID, from: next, limit: pageSize,
                                                   priority: priority)))
            } else if case .poll = inFlight {
                finishPoll(runID, now: now, effects: &effects)
            } else {
                finishFetch(runID, now: now, effects: &effects)
            }
        default:
            effects.append(.log(.debug, "an answer of the wrong kind to \(request) was ignored"))
        }
    }

    /// Hands each message of `page` (from position `from`) to the subscribers waiting for it.
    /// - Returns: whether more pages follow.
    private mutating func deliver(_ page: MessagePage, runID: String, from: Int, effects: inout [PollEffect]) -> Bool {
        guard var run = runs[runID] else { return false }
        let batch = page.messages
        for (offset, message) in batch.enumerated() {
            let index = from + offset
            for (id, subscriber) in run.subscribers.sorted(by: { $0.key < $1.key })
            where subscriber.wantsMessages && subscriber.nextIndex == index {
                effects.append(.emit(subscription: id, .message(index: index, message: message)))
                run.subscribers[id]?.nextIndex = index + 1
            }
        }
        runs[runID] = run
        let total = page.total ?? (from + batch.count)
        return !(batch.count < pageSize || from + batch.count >= total)
    }

    /// A read's messages go on past ``PollTuning/maxMessagePagesPerRead`` pages (a run that wrote thousands, or a
    /// `total` that never comes within reach): the read ends there, so that other runs get their turn, and the run
    /// reads on from its next message in the next one, which waits its turn in the queue. A poll's read of the run is
    /// not reported (messages may follow what it said, and a status must not come before them): the next poll,
    /// due at once, reads the run again; a fetch's news stays, as the newest.
    private mutating func cutShort(_ runID: String, now: Double, effects: inout [PollEffect]) {
        guard var current = runs[runID], let request = current.inFlight else { return }
        current.settle()
        current.resetFailures()
        switch request {
        case .poll:
            current.next.due = now
        case .fetch(_, let news, _, _, _, _):
            current.markStale(updatedAt: news.updatedAt, now: now)
        }
        runs[runID] = current
        effects.append(.log(.debug, "run \(runID): \(tuning.maxMessagePagesPerRead) pages of messages read; "
                                    + "the rest in its next turn"))
    }

    /// A read of the run (and of its messages, if it read them) is complete: report what changed.
    private mutating func finishPoll(_ runID: String, now: Double, effects: inout [PollEffect]) {
        guard var current = runs[runID],
              case .poll(_, _, let readsMessages, let highWaterAtStart, let read?, let serverDate, _)? = current.inFlight
        else { return }
        current.settle()
        let run = read.run
        let status = run.status
        let updatedAt = run.updatedAt
        if current.isOutdated(by: status, updatedAt: updatedAt) {
            // A sweep listed something newer while this read was under way: it stands.
            current.next.statusPending = false
            runs[runID] = current
            return
        }
        let changed = status != current.lastStatus || updatedAt != current.lastUpdatedAt
        noteAnnouncedChange(of: current, to: status, now: now)
        current.hinted = false
        current.lastStatus = status
        current.lastUpdatedAt = updatedAt
        current.next.statusPending = false
        current.resetFailures()
        runs[runID] = current
        report(status: status, run: run, pending: read.pendingHumanRequest, runID: runID, effects: &effects)
        guard var current = runs[runID] else { return }
        let terminal = status.isTerminal
        let messagesInHand = readsMessages || current.lowestWantedIndex == nil
        if current.isSwept {
            // Sweeps watch it; its messages are fetched in their turn.
            if changed || current.news == nil { current.markStale(updatedAt: updatedAt, now: now) }
            if terminal, !messagesInHand { current.phase = .ending(status: status, news: current.news) }
        } else if terminal {
            // Its own poll read no messages (sweeps watched it when it started): read again, messages included.
            if !messagesInHand { current.next.due = now }
        } else if sweepsAreReliable {
            // Sweeps are on: every later change of this run is in the first sweep after it, so its own polls
            // can stop. Messages written in the second this poll read them are checked once more.
            current.phase = .swept(news: nil)
            scheduleConfirmation(&current, updatedAt: updatedAt, serverDate: serverDate,
                                 highWaterAtStart: highWaterAtStart, now: now)
        } else {
            current.next.due = now + (readsAsSafetyNet(current, status: status)
                ? tuning.safetyNetInterval * tuning.scale
                : tuning.interval(age: now - current.firstWatched, changed: changed))
        }
        runs[runID] = current
        if terminal && messagesInHand {
            end(runID, status: status, reason: .terminal, error: nil, effects: &effects)
        }
    }

    /// A fetch the sweeps asked for is complete: at a terminal status already reported, it had the last messages.
    mutating func finishFetch(_ runID: String, now: Double, effects: inout [PollEffect]) {
        guard var current = runs[runID],
              case .fetch(_, let news, let terminal, let highWaterAtStart, let serverDate, _)? = current.inFlight
        else { return }
        current.settle()
        current.resetFailures()
        if terminal != nil, let ending = current.endingStatus {
            // Nothing is written after a terminal status: this fetch had every message. (A run a sweep saw resumed
            // meanwhile, by a new message, is no longer ending: its follow goes on.)
            runs[runID] = current
            end(runID, status: ending, reason: .terminal, error: nil, effects: &effects)
            return
        }
        scheduleConfirmation(&current, updatedAt: news.updatedAt, serverDate: serverDate,
                             highWaterAtStart: highWaterAtStart, now: now)
        runs[runID] = current
    }

    /// Messages read while the run's `updated_at` second was not yet over may have been followed by more in that
    /// same second, which a listing cannot tell apart (timestamps have whole seconds): fetch once more after it.
    /// The read's own `Date` tells whether that second was over (else the newest `updated_at` sweeps had seen).
    func scheduleConfirmation(_ run: inout WatchedRun, updatedAt: String?, serverDate: Double?,
                              highWaterAtStart: Double?, now: Double) {
        guard run.lowestWantedIndex != nil, run.endingStatus == nil, run.news == nil else { return }
        let updated = updatedAt.flatMap(RunStatistics.parseDate)
        if let updated, let serverDate, serverDate > updated { return }
        if let updated, let highWaterAtStart, highWaterAtStart > updated { return }
        run.markStale(updatedAt: updatedAt, now: now, notBefore: now + tuning.confirmationDelay * tuning.scale)
    }
}
