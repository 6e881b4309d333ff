import ArgumentKit
import DuvoAPI
import JSONCore

/// `duvo runs messages RUN`: a run's conversation, all of it or one page; with `--follow`, live until it ends.
enum MessagesCommand: RunsSubcommand {
    static let spec = Command(
        "messages", abstract: "List a run's messages, or follow new ones until it ends",
        discussion: """
            Without --limit, prints every message (from --offset on). With --json, prints Duvo's page shape
            ({"messages": [...], "total", "limit", "offset"}) where each message also carries the CLI docs' names:
            'content' (its text, or a short form of a tool call or result) and, on human requests, 'status'
            ('pending' or 'responded'), so this works as written:
              duvo runs messages "$RUN_ID" --json \\
                | jq -r '.messages[] | select(.type=="human_request" and .status=="pending") | .id'
            With --follow, prints messages as they arrive until the run ends (JSON Lines with --json: one message
            per line with its 'index', then {"final": true, "run_id": ..., "status": ...}).
            """,
        options: [
            CommonOptions.follow,
            CommonOptions.noInput,
            .value("limit", valueName: "N", help: "Print one page of N messages (1-100; at most 50 on API v1)."),
            .value("offset", valueName: "N", help: "Skip the first N messages."),
            .flag("all", help: "Print every message, page by page (the default without --limit)."),
            CommonOptions.exitStatus,
            CommonOptions.callTimeout,
        ],
        positionals: [CommonOptions.run])

    static func run(_ invocation: Invocation) async throws -> ExitCode {
        let parsed = invocation.parsed
        let limit = try parsed.int("limit", in: 1...100)
        let offset = try parsed.int("offset", in: 0...Int.largestCount) ?? 0
        try parsed.exclusive("limit", "all") { parsed.value($0) != nil || parsed.flag($0) }
        let follow = parsed.flag("follow")
        if follow, limit != nil || parsed.flag("all") {
            throw UsageError("--follow prints every message from --offset on; leave out --limit and --all",
                             commandPath: parsed.commandPath)
        }
        if parsed.flag("exit-status") && !follow {
            throw UsageError("--exit-status needs --follow (or use 'duvo runs wait RUN --exit-status')",
                             commandPath: parsed.commandPath)
        }
        let client = try await invocation.client()
        if let limit, limit > client.maxMessagePageSize {
            throw UsageError("option '--limit' must be at most \(client.maxMessagePageSize) on API "
                + "\(client.configuration.apiVersion.rawValue); use --all to read every message",
                commandPath: parsed.commandPath)
        }
        let runID = parsed.runID
        let checked = try await invocation.run { _ throws(RunOperationError) in try RunID.checked(runID) }
        if follow {
            let status = try await RunFollower(invocation: invocation, runID: runID).follow(fromOffset: offset)
            return parsed.flag("exit-status") ? ExitCode(runStatus: status) : .success
        }
        let page = try await invocation.run { operations throws(RunOperationError) in
            try await operations.messages(checked, limit: limit, offset: offset, all: limit == nil)
        }
        let messages = page.messages
        // Only a page holding a human request needs the run's pending request (one more call).
        var pendingRequest: HumanRequest?
        if messages.contains(where: \.isHumanRequest) {
            pendingRequest = try await invocation.run { operations throws(RunOperationError) in
                try await operations.get(checked)
            }.pendingHumanRequest
        }
        if invocation.json {
            invocation.console.json(DocsMessageFields.addingToPage(page, pendingRequestID: pendingRequest?.id))
        } else {
            printTranscript(messages, page: page, pending: pendingRequest, limit: limit, offset: offset,
                            invocation: invocation)
        }
        return .success
    }

    private static func printTranscript(_ messages: [Message], page: MessagePage, pending: HumanRequest?, limit: Int?,
                                        offset: Int, invocation: Invocation) {
        let console = invocation.console
        let total = page.total ?? (offset + messages.count)
        if messages.isEmpty {
            console.line(console.palette.dim(total == 0 ? "No messages yet." : "No messages after #\(offset)."))
        }
        for message in messages { console.lines(invocation.transcript.lines(for: message)) }
        if let pending {
            console.line()
            console.lines(invocation.humanRequests.lines(for: pending, runID: invocation.parsed.runID))
        }
        if limit != nil, offset + messages.count < total {
            console.line(console.palette.dim("Messages \(offset + 1)-\(offset + messages.count) of \(total); "
                + "next page: --offset \(offset + messages.count), or --all"))
        }
    }
}
