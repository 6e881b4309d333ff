import ArgumentKit
import DuvoAPI

/// `duvo runs stop RUN`: stops a run (a no-op on one that is not active).
enum StopCommand: RunsSubcommand {
    static let spec = Command(
        "stop", abstract: "Stop a run (does nothing to a run that has already ended)",
        discussion: "With --json, prints Duvo's body ({\"success\": ..., \"message\": ...}).",
        options: [CommonOptions.callTimeout],
        positionals: [CommonOptions.run])

    static func run(_ invocation: Invocation) async throws -> ExitCode {
        let runID = invocation.parsed.runID
        let answer = try await invocation.run { operations throws(RunOperationError) in
            try await operations.stop(try RunID.checked(runID))
        }
        let console = invocation.console
        if invocation.json {
            console.json(answer.json)
        } else if !answer.success {
            console.line(answer.message ?? "Run \(runID) was not active; nothing to stop.")
        } else {
            console.line("Stopped run \(console.palette.bold(runID)).")
        }
        return .success
    }
}
