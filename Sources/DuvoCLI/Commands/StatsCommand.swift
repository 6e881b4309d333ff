import ArgumentKit
import DuvoAPI

/// `duvo runs stats`: the operations guide's aggregated views, computed: counts by status, failure rate,
/// durations.
enum StatsCommand: RunsSubcommand {
    static let spec = Command(
        "stats", abstract: "Count runs by status, with failure rate and durations (API v2)",
        discussion: """
            Reads the team's runs (the newest 1000 at most) and reports counts by status, the failure rate
            (failed / ended) and the spread of durations (completed_at - started_at). With --json, prints
            {"total", "counted", "counts", "failure_rate", "duration_seconds": {count, min, mean, p50, p95, max}}.
            """,
        options: [
            .value("agent", valueName: "ID", help: "Only runs of this agent."),
            .value("since", valueName: "TIME", help: "Only runs created at or after this ISO 8601 time."),
            CommonOptions.callTimeout,
        ])

    static func run(_ invocation: Invocation) async throws -> ExitCode {
        let parsed = invocation.parsed
        let statistics = try await invocation.run { operations throws(RunOperationError) in
            try await operations.stats(agentID: parsed.value("agent"), since: parsed.value("since"), teamID: nil)
        }
        if invocation.json {
            invocation.console.json(statistics.json)
        } else {
            invocation.console.lines(StatsRenderer(palette: invocation.console.palette).lines(statistics))
        }
        return .success
    }
}
