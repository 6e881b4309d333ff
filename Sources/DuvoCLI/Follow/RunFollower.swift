import DuvoAPI
import JSONCore
import RunWatching

/// Follows one run until it ends, printing each message once and in order (from a starting position), then its
/// outcome: the engine behind `start --follow` and `messages --follow`.
///
/// It rides the process's ``PollScheduler``, so it polls as gently as every other follow and wait. Under team-wide
/// sweeps a status may come before the messages that led to it; a person is asked about a request only after those
/// messages are printed, so before a request is shown the messages not printed yet are read and printed (and skipped
/// when the follow brings them).
struct RunFollower {
    /// The command's invocation (console, client, scheduler).
    let invocation: Invocation
    /// The run to follow.
    let runID: String

    /// Prints the run's messages from position `offset` on until it ends.
    /// - Returns: the run's terminal status.
    /// - Throws: ``DuvoAPIError`` when Duvo stops answering about the run (after the printer has said so);
    ///   `CancellationError` when the command is interrupted.
    func follow(fromOffset offset: Int) async throws -> String {
        let operations = try await invocation.operations()
        let printer: any FollowPrinter
        if invocation.json {
            printer = JSONLinesFollowPrinter(runID: runID, console: invocation.console, operations: operations)
        } else {
            printer = TranscriptFollowPrinter(runID: runID, invocation: invocation,
                                              prompt: try await HumanRequestPrompt(invocation: invocation))
        }
        // The printer reports a run Duvo does not know as the follow's end, so it is not read first.
        let subscription = try await invocation.run { operations throws(RunOperationError) in
            try await operations.follow(RunID(unchecked: runID), from: offset, verify: false)
        }
        // Under --simulate a stopped shared simulator takes the run with it: end the follow instead of retrying.
        let simulator = try await invocation.watchSharedSimulator { await operations.unfollow(subscription.id) }
        defer { simulator?.cancel() }
        var lastStatus: String?
        var next = offset
        for await event in subscription.events {
            switch event {
            case .message(let index, let message):
                guard index >= next else { continue }  // printed already, before a request
                next = index + 1
                await printer.message(index: index, message: message)
            case .stalled(let error):
                invocation.console.diagnostic("run \(runID): waiting for Duvo (\(error.message)); still trying")
            case .recovered:
                invocation.console.diagnostic("run \(runID): Duvo answers again")
            case .status(let status, let previous, _, let pending):
                lastStatus = status.rawValue
                if pending != nil { next = await printMessages(from: next, operations: operations, printer: printer) }
                await printer.status(status, previous: previous, pendingHumanRequest: pending)
            case .ended(let endStatus, let reason, let error):
                let status = endStatus?.rawValue
                switch reason {
                case .terminal:
                    let final = status ?? lastStatus ?? "unknown"
                    await printer.finished(status: final)
                    return final
                case .error:
                    let failure = error ?? DuvoAPIError.invalidResponse(operation: "follow run", detail: "no answer")
                    await printer.failed(status: status ?? lastStatus, message: failure.message)
                    throw failure
                case .unfollowed, .shutdown:
                    if let failure = simulator?.failure {
                        await printer.failed(status: status ?? lastStatus, message: failure.message)
                        throw failure
                    }
                    await printer.failed(status: status ?? lastStatus, message: "interrupted")
                    throw CancellationError()
                }
            }
        }
        // The stream finished without an end event: this task was cancelled (Ctrl-C).
        await operations.unfollow(subscription.id)
        await printer.failed(status: lastStatus, message: "interrupted")
        throw CancellationError()
    }

    /// Reads and prints the messages from position `next` on; returns the position after the last one printed. A
    /// read that fails prints nothing: the follow brings those messages later.
    private func printMessages(from next: Int, operations: RunOperations, printer: any FollowPrinter) async -> Int {
        let page: MessagePage
        do {
            page = try await operations.messages(RunID(unchecked: runID), offset: next, all: true)
        } catch {
            return next
        }
        for (position, message) in page.messages.enumerated() {
            await printer.message(index: next + position, message: message)
        }
        return next + page.messages.count
    }
}
