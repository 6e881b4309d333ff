import Foundation
import JSONCore

/// What the client does when a write may have reached Duvo but its answer was lost (a dropped connection, no answer
/// in time, 502/503/504 from a front end): it never sends the write again, which could do the work twice. It looks
/// for the write's effect instead, and either returns it marked `"recovered": true` or throws
/// ``DuvoAPIError/outcomeUnknown(failure:check:)`` saying how to check.
extension DuvoClient {
    /// How far back from the local clock a lost write's effect is looked for: Duvo's clock may differ from ours.
    static let recoveryWindow: TimeInterval = 300
    /// How many of a run's newest messages are searched for a message whose answer was lost.
    static let recoveryMessageCount = 20

    /// Looks for the run a lost `runs/start` may have created: on API v2, the team's runs of `agentID` created
    /// since shortly before the call, newest first, whose first message is `message`. Exactly one match is returned
    /// (with `"recovered": true`); anything else is an ``DuvoAPIError/outcomeUnknown(failure:check:)``.
    func recoverStart(after failure: DuvoAPIError, agentID: String, message: String?, teamID: String?,
                      sentAt: Date) async throws(DuvoAPIError) -> JSONValue {
        let since = Self.isoTimestamp(sentAt.addingTimeInterval(-Self.recoveryWindow))
        let listing = "runs/list with agent_id \(agentID) and since \(since) (duvo runs list --agent \(agentID) "
            + "--since \(since))"
        guard canListRuns || (configuration.apiVersion == .v2 && teamID != nil) else {
            throw .outcomeUnknown(failure: failure, check: "The run may have been created. API v1 cannot list runs, "
                + "so look for a run of agent \(agentID) created after \(since) in Duvo before starting again.")
        }
        guard let message, !message.isEmpty else {
            throw .outcomeUnknown(failure: failure, check: "The run may have been created; without an initial "
                + "message it cannot be told apart from other runs of the agent. Check with \(listing) before "
                + "starting again.")
        }
        let candidates: [JSONValue]
        do {
            let filter = RunListFilter(agentID: agentID, since: since, limit: 20, sortBy: "created_at",
                                       sortOrder: "desc")
            candidates = try await listRuns(filter, teamID: teamID)["data"]?.arrayValue ?? []
        } catch {
            throw .outcomeUnknown(failure: failure, check: "The run may have been created, and looking for it failed "
                + "too (\(error.what)). Check with \(listing) before starting again.")
        }
        var matches: [JSONValue] = []
        for run in candidates {
            guard let id = run["id"]?.stringValue else { continue }
            do {
                let first = try await messages(id, limit: 1, offset: 0)["messages"]?[0]
                if Self.isUserMessage(first, text: message) { matches.append(run) }
            } catch {
                throw .outcomeUnknown(failure: failure, check: "The run may have been created, and looking for it "
                    + "failed too (\(error.what)). Check with \(listing) before starting again.")
            }
        }
        switch matches.count {
        case 1:
            return ["run": matches[0], "recovered": true]
        case 0:
            throw .outcomeUnknown(failure: failure, check: "No run of agent \(agentID) with this message was found "
                + "since \(since), so most likely none was created; Duvo may still be creating it, so check with "
                + "\(listing) before starting again.")
        default:
            let ids = matches.compactMap { $0["id"]?.stringValue }.joined(separator: ", ")
            throw .outcomeUnknown(failure: failure, check: "\(matches.count) runs of agent \(agentID) with this "
                + "message were created since \(since) (\(ids)), so the one this call made cannot be told; check them "
                + "before starting again.")
        }
    }

    /// Looks for a message whose post was lost among the run's newest messages: a user message with the same text
    /// written since shortly before the call is returned (with `"recovered": true`).
    func recoverMessage(after failure: DuvoAPIError, runID: String, text: String,
                        sentAt: Date) async throws(DuvoAPIError) -> JSONValue {
        let check = "runs/messages for run \(runID) (duvo runs messages \(runID))"
        let newest: [JSONValue]
        do {
            let total = try await messages(runID, limit: 1, offset: 0)["total"]?.intValue ?? 0
            let count = min(Self.recoveryMessageCount, maxMessagePageSize)
            newest = try await messages(runID, limit: count, offset: max(0, total - count))["messages"]?.arrayValue ?? []
        } catch {
            throw .outcomeUnknown(failure: failure, check: "The message may have been posted, and looking for it "
                + "failed too (\(error.what)). Check \(check) before sending it again.")
        }
        let since = Self.isoTimestamp(sentAt.addingTimeInterval(-Self.recoveryWindow))
        let found = newest.last { message in
            Self.isUserMessage(message, text: text)
                && (message["timestamp"]?.stringValue).map { $0 >= since } ?? true
        }
        guard let found else {
            throw .outcomeUnknown(failure: failure, check: "The message is not among the run's newest, so most likely "
                + "it did not arrive; check \(check) before sending it again.")
        }
        return ["message": found, "recovered": true]
    }

    /// The advice for an answer to a human request whose own answer was lost: trying again is safe.
    static let respondCheck = "Answering again is safe: if this answer reached Duvo, the request is no longer "
        + "pending and Duvo refuses a second one (request_not_pending); runs/get shows whether it was answered."

    /// Whether `message` is a user message whose text is `text` (Duvo's docs call the text `text_content` or
    /// `content`).
    private static func isUserMessage(_ message: JSONValue?, text: String) -> Bool {
        guard let message, message["role"]?.stringValue == "user" || message["type"] == "user_message" else {
            return false
        }
        let content = message["text_content"]?.stringValue ?? message["content"]?.stringValue
        return content?.trimmingCharacters(in: .whitespacesAndNewlines) == text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `2026-05-18T09:30:00Z`: whole seconds in UTC, the form Duvo's `since` and timestamps use.
    static func isoTimestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
