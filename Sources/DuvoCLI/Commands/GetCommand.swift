import ArgumentKit
import DuvoAPI

/// `duvo runs get RUN`: a run's status and what it waits for.
enum GetCommand: RunsSubcommand {
    static let spec = Command(
        "get", abstract: "Show a run's status and any pending human request",
        discussion: """
            With --json, prints Duvo's body ({"run": {...}, "pending_human_request": ...}):
              STATUS=$(duvo runs get "$RUN_ID" --json | jq -r '.run.status')
            """,
        options: [CommonOptions.callTimeout],
        positionals: [CommonOptions.run])

    static func run(_ invocation: Invocation) async throws -> ExitCode {
        let snapshot = try await invocation.run { operations throws(RunOperationError) in
            try await operations.get(try RunID.checked(invocation.parsed.runID))
        }
        if invocation.json {
            invocation.console.json(snapshot.json)
        } else {
            invocation.console.lines(invocation.runs.detail(snapshot))
        }
        return .success
    }
}
