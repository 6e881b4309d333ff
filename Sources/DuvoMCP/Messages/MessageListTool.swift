import DuvoAPI
import JSONCore
import JSONRPC

/// `duvo_list_messages`: a run's messages through `runs/messages`, kept small, with `tail` for the newest and a
/// cursor to read on.
struct MessageListTool: Sendable {
    let environment: ToolEnvironment
    private var options: MCPOptions { environment.options }

    private struct Arguments: Decodable {
        let runID: String
        let limit: Int?
        let offset: Int?
        let tail: Int?
        let cursor: String?

        enum CodingKeys: String, CodingKey {
            case runID = "run_id", limit, offset, tail, cursor
        }
    }

    /// Reads one capped page.
    /// - Throws: ``RPCError`` for arguments that conflict or do not fit, and Duvo's errors.
    func run(_ arguments: [String: JSONValue]) async throws -> ToolResult {
        let args = try ToolArguments.decode(Arguments.self, from: arguments)
        // A value equal to the declared default counts as absent: clients such as mcp-use send every property,
        // filling in the defaults (limit 20, offset 0), and must get what leaving them out gives.
        let offsetGiven = args.offset.map { $0 != 0 } ?? false
        let limitGiven = args.limit.map { $0 != options.defaultMessageLimit } ?? false
        let given = [("offset", offsetGiven), ("tail", args.tail != nil), ("cursor", args.cursor != nil)]
            .filter(\.1).map(\.0)
        guard given.count <= 1 else {
            throw RPCError.invalidParams(
                "give only one of offset, tail and cursor, not \(given.joined(separator: " and "))", field: given[1])
        }
        if let tail = args.tail, !(1...100).contains(tail) {
            throw RPCError.invalidParams("'tail' must be between 1 and 100, got \(tail)", field: "tail")
        }
        if args.tail != nil, limitGiven {
            throw RPCError.invalidParams("give tail or limit, not both: tail is the number of newest messages",
                                         field: "limit")
        }
        var offset = args.offset ?? 0
        var limit = args.limit ?? options.defaultMessageLimit
        if let cursor = args.cursor {
            offset = try MessageCursor.offset(of: cursor, runID: args.runID)
        }
        if let tail = args.tail {
            let probe = try await page(runID: args.runID, limit: 1, offset: 0)
            offset = max(0, (probe.total ?? 0) - tail)
            limit = tail
        }
        var shown = try await page(runID: args.runID, limit: limit, offset: offset)
        let budget = MessageBudget(maxCharacters: options.maxMessageCharacters,
                                   maxTextCharacters: options.maxTextCharacters)
        let fitted = budget.fit(shown.messages)
        let total = shown.total ?? 0
        let end = offset + fitted.messages.count
        let cursor = end < total ? MessageCursor.encode(runID: args.runID, offset: end) : nil
        shown.messages = fitted.messages
        shown.limit = limit
        shown.offset = offset
        shown.extra.merge(["truncated": .bool(fitted.truncated), "next_cursor": .optional(cursor)]) { $1 }
        let summary = summary(fitted.messages, truncated: fitted.truncated, cursor: cursor, runID: args.runID,
                              offset: offset, total: total)
        return .success(shown.json, summary: summary)
    }

    private func page(runID: String, limit: Int, offset: Int) async throws -> MessagePage {
        try await environment.run { operations throws(RunOperationError) in
            try await operations.messages(try RunID.checked(runID), limit: limit, offset: offset)
        }
    }

    private func summary(_ messages: [Message], truncated: Bool, cursor: String?, runID: String, offset: Int,
                         total: Int) -> String {
        guard !messages.isEmpty else {
            return "Run \(runID) has \(total) messages; none from position \(offset) on."
        }
        var lines = ["Messages \(offset)-\(offset + messages.count - 1) of \(total) of run \(runID):"]
        for (index, message) in messages.enumerated() {
            lines.append("[\(offset + index)] \(Self.render(message))")
        }
        if truncated {
            lines.append("(Shortened to keep the answer small.)")
        }
        if let cursor {
            lines.append("More: call duvo_list_messages with run_id \(runID) and cursor \"\(cursor)\".")
        }
        return lines.joined(separator: "\n")
    }

    /// One message as a line: who, what kind (unless plain text), and its text or tool call.
    static func render(_ message: Message) -> String {
        let role = message.role ?? "?"
        let type = message.type ?? "text"
        let kind = ["text", "message", "\(role)_message"].contains(type) ? "" : " (\(type))"
        var body = message.text ?? ""
        if let call = message.toolCall, let name = call.name {
            body += (body.isEmpty ? "" : " ") + "\(name)(\((call.arguments ?? [:]).jsonString))"
        }
        if let outcome = message.toolResult {
            let value = outcome.error?.stringValue.map { "error: \($0)" } ?? (outcome.result ?? .null).jsonString
            body += (body.isEmpty ? "" : " ") + "-> \(value)"
        }
        return "\(role)\(kind): \(body)"
    }
}
