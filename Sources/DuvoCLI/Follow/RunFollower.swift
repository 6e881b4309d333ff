import DuvoAPI
import JSONCore

/// Follows one run until it ends, printing each message once and in order (from a starting position), then its
/// outcome: the engine behind `start --follow` and `messages --follow`.
///
/// It rides the process's ``PollScheduler``, so it polls as gently as every other follow and wait; the scheduler
/// watches this one run with per-run polls, so every message is printed before the terminal status.
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
        for await event in subscription.events {
            switch event {
            case .message(let index, let message):
                await printer.message(index: index, message: message)
            case .stalled(let error):
                invocation.console.diagnostic("run \(runID): waiting for Duvo (\(error.message)); still trying")
            case .recovered:
                invocation.console.diagnostic("run \(runID): Duvo answers again")
            case .status(let status, let previous, _, let pending):
                lastStatus = status.rawValue
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
}
