import ArgumentKit
import DuvoAPI
import RunWatching

/// `duvo runs start --agent ID`: starts a run; with `--follow`, streams it until it ends.
enum StartCommand: RunsSubcommand {
    static let spec = Command(
        "start", abstract: "Start a run of an agent",
        discussion: """
            Prints the new run. With --json, prints Duvo's body ({"run": {...}}), so scripts can read its id:
              RUN_ID=$(duvo runs start --agent "$AGENT_ID" --json | jq -r '.run.id')
            With --follow, streams the run's messages until it ends (JSON Lines with --json).
            """,
        options: [
            .value("agent", valueName: "ID",
                   help: "The agent to run (required); with --simulate, also a built-in's name: approval."),
            .value("message", short: "m", valueName: "TEXT", help: "A first message: instructions or a payload."),
            .value("sandbox", valueName: "ID", help: "A sandbox with pre-uploaded files."),
            .value("webhook", valueName: "URL",
                   help: "Where Duvo POSTs run events (human_request, run_completed, run_failed, ...)."),
            CommonOptions.follow,
            CommonOptions.noInput,
            CommonOptions.exitStatus,
            CommonOptions.callTimeout,
        ])

    static func run(_ invocation: Invocation) async throws -> ExitCode {
        let parsed = invocation.parsed
        var agent = try parsed.required("agent", "the agent to run; the simulator's are listed by 'duvo sim agents'")
        if parsed.flag("simulate") { agent = try SimulatedAgent.id(for: agent, commandPath: parsed.commandPath) }
        let follow = parsed.flag("follow")
        if parsed.flag("exit-status") && !follow {
            throw UsageError("--exit-status needs --follow (or use 'duvo runs wait RUN --exit-status')",
                             commandPath: parsed.commandPath)
        }
        let request = RunOperations.StartRequest(agentID: agent, message: parsed.value("message"),
                                                 sandboxID: parsed.value("sandbox"),
                                                 webhookURL: parsed.value("webhook"), willFollow: follow)
        let answer = try await invocation.run { operations throws(RunOperationError) in
            try await operations.start(request)
        }
        let runID = answer.run.id
        let console = invocation.console
        guard follow else {
            if invocation.json {
                console.json(answer.json)
            } else {
                let status = answer.run.status.rawValue
                console.lines([
                    "Started run \(console.palette.bold(runID)) (\(console.palette.status(status))).",
                    console.palette.dim("Follow it: duvo runs messages \(runID) --follow"),
                ])
            }
            return .success
        }
        if !invocation.json { console.line("Started run \(console.palette.bold(runID)).") }
        let status = try await RunFollower(invocation: invocation, runID: runID).follow(fromOffset: 0)
        return parsed.flag("exit-status") ? ExitCode(runStatus: status) : .success
    }
}
