import ArgumentKit
import DuvoAPI
import Foundation
import JSONCore

/// `duvo runs list`: a team's runs with the operations guide's filters (API v2).
enum ListCommand: RunsSubcommand {
    static let spec = Command(
        "list", abstract: "List a team's runs, filtered (API v2; needs DUVO_TEAM_ID)",
        discussion: """
            With --json, prints Duvo's body ({"data": [...], "total", "limit", "offset"}). Examples:
              duvo runs list --status failed --since 2026-05-17T00:00:00Z
              duvo runs list --has-issues --issue-severity critical --json | jq '.data[].id'
            """,
        options: [
            .value("agent", valueName: "ID", help: "Only runs of this agent."),
            .value("status", valueName: "STATUS", help: "Only runs in this status (or comma list).", repeatable: true),
            .value("since", valueName: "TIME", help: "Only runs created at or after this ISO 8601 time."),
            .flag("has-issues", help: "Only runs Duvo flagged with issues."),
            .value("issue-severity", valueName: "LEVEL", help: "Only runs flagged critical, medium or low.",
                   choices: severities),
            .value("limit", valueName: "N", help: "Runs per page, 1-100."),
            .value("offset", valueName: "N", help: "Skip the first N runs."),
            .value("sort-by", valueName: "FIELD", help: "created_at, started_at, completed_at or updated_at.",
                   choices: sortFields),
            .value("sort-order", valueName: "ORDER", help: "asc or desc.", choices: sortOrders),
            .flag("all", help: "Read every matching run, page by page."),
            CommonOptions.callTimeout,
        ])

    static let severities = ["critical", "medium", "low"]
    static let sortFields = ["created_at", "started_at", "completed_at", "updated_at"]
    static let sortOrders = ["asc", "desc"]

    static func run(_ invocation: Invocation) async throws -> ExitCode {
        let parsed = invocation.parsed
        try parsed.exclusive("limit", "all") { parsed.value($0) != nil || parsed.flag($0) }
        let statuses = parsed.values("status").flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let filter = RunListFilter(
            agentID: parsed.value("agent"), statuses: statuses, since: parsed.value("since"),
            hasIssues: parsed.flag("has-issues") ? true : nil,
            issueSeverity: try parsed.choice("issue-severity", among: severities),
            limit: try parsed.int("limit", in: 1...100), offset: try parsed.int("offset", in: 0...Int.largestCount),
            sortBy: try parsed.choice("sort-by", among: sortFields),
            sortOrder: try parsed.choice("sort-order", among: sortOrders))
        let all = parsed.flag("all")
        let answer = try await invocation.run { operations throws(RunOperationError) in
            try await operations.list(filter, all: all)
        }
        let console = invocation.console
        if invocation.json {
            console.json(answer.json)
            return .success
        }
        let runs = answer.runs
        guard !runs.isEmpty else {
            console.line(console.palette.dim("No runs match."))
            return .success
        }
        console.lines(invocation.runs.table(runs))
        let offset = answer.offset ?? filter.offset ?? 0
        let total = answer.total ?? (offset + runs.count)
        if offset + runs.count < total {
            console.line(console.palette.dim("Runs \(offset + 1)-\(offset + runs.count) of \(total); "
                + "next page: --offset \(offset + runs.count), or --all"))
        }
        return .success
    }
}
