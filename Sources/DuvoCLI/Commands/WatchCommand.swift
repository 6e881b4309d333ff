import ArgumentKit
import DuvoAPI
import Foundation
import JSONCore
import RunWatching
import Synchronization

/// `duvo runs watch RUN...`: several runs at once, one line per status change per run, until all have ended.
enum WatchCommand: RunsSubcommand {
    static let spec = Command(
        "watch", abstract: "Watch several runs at once: one line per status change, until all end",
        discussion: """
            Prints a line whenever a run's status changes (with --json: {"run_id", "status", "previous_status",
            "run", "pending_human_request"} per line) and returns when every run has ended. Exits 0; with
            --exit-status, 0 only when all completed, else the code of the worst outcome (failed 10 before
            interrupted 12, stopped 11, waiting 13). A run that cannot be read exits 1, 3 or 4 as other commands do.
            """,
        options: [CommonOptions.exitStatus, CommonOptions.callTimeout],
        positionals: [Positional("run", help: "The runs' ids.", variadic: true)])

    private typealias Outcome = Result<String, any Error>

    static func run(_ invocation: Invocation) async throws -> ExitCode {
        var seen = Set<String>()
        let runIDs = invocation.parsed.positionals("run").filter { seen.insert($0.lowercased()).inserted }
        let checked = try await invocation.run { _ throws(RunOperationError) in
            var checked: [String: RunID] = [:]
            for runID in runIDs { checked[runID] = try RunID.checked(runID) }
            return checked
        }
        let operations = try await invocation.operations()
        let board = StatusBoard(runIDs: runIDs, console: invocation.console)
        let outcomes = await withTaskGroup(of: (String, Outcome).self) { group in
            for runID in runIDs {
                group.addTask {
                    (runID, await watch(checked[runID] ?? RunID(unchecked: runID), operations: operations,
                                        invocation: invocation, board: board))
                }
            }
            var outcomes: [String: Outcome] = [:]
            for await (runID, outcome) in group { outcomes[runID] = outcome }
            return outcomes
        }
        board.finish()
        let reportStatus = invocation.parsed.flag("exit-status")
        var worst = ExitCode.success
        for outcome in outcomes.values {
            let code: ExitCode
            switch outcome {
            case .success(let status): code = reportStatus ? ExitCode(runStatus: status) : .success
            case .failure(let error as CancellationError): return ExitCode(error: error)
            case .failure(let error): code = ExitCode(error: error)
            }
            if code.severity > worst.severity { worst = code }
        }
        return worst
    }

    /// Watches one run, printing its status changes, until it ends.
    private static func watch(_ id: RunID, operations: RunOperations, invocation: Invocation,
                              board: StatusBoard) async -> Outcome {
        let runID = id.text
        let subscription: PollScheduler.Subscription
        let simulator: SharedSimulatorWatch?
        do {
            // Each run's line reports a run Duvo does not know, so none is read first.
            subscription = try await invocation.run { operations throws(RunOperationError) in
                try await operations.follow(id, messages: false, verify: false)
            }
            simulator = try await invocation.watchSharedSimulator { await operations.unfollow(subscription.id) }
        } catch {
            return .failure(error)
        }
        let console = invocation.console
        defer { simulator?.cancel() }
        for await event in subscription.events {
            switch event {
            case .message:
                continue
            case .stalled(let error):
                console.diagnostic("run \(runID): waiting for Duvo (\(error.message)); still trying")
            case .recovered:
                console.diagnostic("run \(runID): Duvo answers again")
            case .status(let newStatus, let previousStatus, let run, let pendingRequest):
                let status = newStatus.rawValue, previous = previousStatus?.rawValue
                board.record(runID: runID, status: status)
                if invocation.json {
                    console.json(["run_id": .string(runID), "status": .string(status),
                                  "previous_status": .optional(previous), "run": run.json,
                                  "pending_human_request": pendingRequest?.json ?? .null])
                } else {
                    console.line(line(runID: runID, status: status, previous: previous, pending: pendingRequest,
                                      palette: console.palette))
                }
            case .ended(let endStatus, let reason, let error):
                let status = endStatus?.rawValue
                switch reason {
                case .terminal: return .success(status ?? "unknown")
                case .error:
                    let failure = error ?? DuvoAPIError.invalidResponse(operation: "watch run", detail: "no answer")
                    console.error("run \(runID): \(failure.message)")
                    board.record(runID: runID, status: "error")
                    return .failure(failure)
                case .unfollowed, .shutdown:
                    guard let failure = simulator?.failure else { return .failure(CancellationError()) }
                    console.error("run \(runID): \(failure.message)")
                    board.record(runID: runID, status: "error")
                    return .failure(failure)
                }
            }
        }
        await operations.unfollow(subscription.id)
        return .failure(CancellationError())
    }

    private static func line(runID: String, status: String, previous: String?, pending: HumanRequest?,
                             palette: Palette) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        let time = formatter.string(from: Date())
        var text = palette.dim(time) + "  " + runID + "  "
        if let previous { text += palette.dim(previous + " → ") }
        text += palette.status(status)
        if let title = pending?.title {
            text += "  " + palette.attention("needs a human: \(title)") + palette.dim("  (duvo runs get \(runID))")
        }
        return text
    }
}

/// The live summary under `watch` on a terminal: how many runs are in each status.
private final class StatusBoard: Sendable {
    private let statuses: Mutex<[String: String]>
    private let live: LiveStatus
    private let count: Int

    init(runIDs: [String], console: Console) {
        statuses = Mutex([:])
        live = LiveStatus(console: console)
        count = runIDs.count
        live.update("watching \(count) run\(count == 1 ? "" : "s")")
    }

    func record(runID: String, status: String) {
        let summary = statuses.withLock { statuses in
            statuses[runID] = status
            var counts: [String: Int] = [:]
            for value in statuses.values { counts[value, default: 0] += 1 }
            return counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        }
        live.update("watching \(count) run\(count == 1 ? "" : "s"): \(summary)")
    }

    func finish() { live.stop() }
}
