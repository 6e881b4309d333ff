import ArgumentKit
import DuvoAPI
import JSONCore
import RunWatching

/// `duvo runs wait RUN`: blocks until the run ends (or, with `--until attention`, also until it needs a human).
enum WaitCommand: RunsSubcommand {
    static let spec = Command(
        "wait", abstract: "Wait until a run ends (or needs a human, with --until attention)",
        discussion: """
            Exits 0 when the wait is over; 5 when --timeout passes first. With --exit-status, the exit code says
            how the run ended: 10 failed, 11 stopped, 12 interrupted, 13 waiting for a human. --timeout is the wait's;
            each call to Duvo during it has the deadline DUVO_TIMEOUT sets (default 30 s). With --json, prints
            {"run": ..., "pending_human_request": ..., "timed_out": ...}. Example:
              duvo runs wait "$RUN_ID" --timeout 600 --exit-status || echo "the run did not complete"
            """,
        options: [
            .value("timeout", valueName: "S", help: "Give up after S seconds (exit 5); default: no limit."),
            .value("until", valueName: "WHEN", help: "terminal (the run ended) or attention (also: waits for a human).",
                   defaultValue: "terminal", choices: ["terminal", "attention"]),
            CommonOptions.exitStatus,
        ],
        positionals: [CommonOptions.run])

    /// `--timeout` bounds the wait, as in Duvo's CLI docs; its calls' deadline comes from `DUVO_TIMEOUT`.
    static let timeoutIsCallDeadline = false

    static func run(_ invocation: Invocation) async throws -> ExitCode {
        let parsed = invocation.parsed
        let timeout = try parsed.double("timeout")
        if let timeout, !(timeout > 0) {
            throw UsageError("option '--timeout' must be more than 0 seconds", commandPath: parsed.commandPath)
        }
        let until = try parsed.choice("until", among: ["terminal", "attention"]) ?? "terminal"
        let condition = WaitCondition(rawValue: until) ?? .terminal
        let runID = parsed.runID
        let checked = try await invocation.run { _ throws(RunOperationError) in try RunID.checked(runID) }
        let live = LiveStatus(console: invocation.console)
        live.update("waiting for run \(runID)")
        defer { live.stop() }
        let outcome = try await invocation.run { operations throws(RunOperationError) in
            try await operations.wait(checked, until: condition, timeout: timeout) { status, _ in
                live.update("run \(runID) is \(status)")
            }
        }
        live.stop()
        let status = outcome.run.status.rawValue
        let console = invocation.console
        if invocation.json {
            console.json(outcome.json)
        } else if !outcome.timedOut {
            if let pending = outcome.pendingHumanRequest, !outcome.run.status.isTerminal {
                console.lines(invocation.humanRequests.lines(for: pending, runID: runID))
            } else {
                console.line(invocation.runs.outcome(runID: runID, status: status))
            }
        }
        if outcome.timedOut {
            let seconds = timeout.map { $0 == $0.rounded() ? String(Int($0)) : String($0) } ?? "?"
            console.error("run \(runID) is still \(status) after \(seconds) s (--timeout)")
            return .timeout
        }
        return parsed.flag("exit-status") ? ExitCode(runStatus: status) : .success
    }
}
