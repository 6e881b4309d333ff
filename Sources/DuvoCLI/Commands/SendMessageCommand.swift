import ArgumentKit
import DuvoAPI

/// `duvo runs send-message RUN --message TEXT`: adds a user message, which resumes a waiting, completed or
/// interrupted run.
enum SendMessageCommand: RunsSubcommand {
    static let spec = Command(
        "send-message", abstract: "Send a message to a run (resumes a waiting, completed or interrupted run)",
        discussion: """
            Example:
              duvo runs send-message "$RUN_ID" --message "Please also check the backup."
            With --json, prints Duvo's body ({"message": {...}}).
            """,
        options: [.value("message", short: "m", valueName: "TEXT", help: "What to tell the agent (required)."),
                  CommonOptions.callTimeout],
        positionals: [CommonOptions.run])

    static func run(_ invocation: Invocation) async throws -> ExitCode {
        let parsed = invocation.parsed
        let text = try parsed.required("message", "what to tell the agent")
        let answer = try await invocation.run { operations throws(RunOperationError) in
            try await operations.sendMessage(try RunID.checked(parsed.runID), text: text)
        }
        let console = invocation.console
        if invocation.json {
            console.json(answer.json)
        } else {
            console.line("Sent to run \(console.palette.bold(parsed.runID)): \(text)")
        }
        return .success
    }
}
