import Foundation
import JSONCore

/// What the client does when a write may have reached Duvo but its answer was lost (a dropped connection, no answer
/// in time, 502/503/504 from a front end): it never sends the write again, which could do the work twice. It looks
/// for the write's effect instead, and either returns it marked `"recovered": true` or throws
/// ``DuvoAPIError/outcomeUnknown(failure:check:)`` saying how to check.
///
/// A candidate counts only when it cannot have been made before this call began, by Duvo's own clock (see
/// ``WriteRecovery/earliestServerTime(at:)``), and no other call of this process was answered with it: an identical
/// earlier start or message ("yes", "continue", a scheduled prompt) is not this call's effect when a front end
/// answered 502 without forwarding anything.
///
/// Nor is a single match this call's when an identical write of this process (same agent and message; same run and
/// text) was in flight at some moment between this call's start and the recovery's search and has not been
/// answered: that write's effect may be the one found while this call's own is not listed yet, and taking it would
/// give one run or message to two calls. Such a match is reported as `outcomeUnknown`, never guessed.
extension DuvoClient {
    /// How far back from the local clock a lost write's effect is looked for: Duvo's clock may differ from ours.
    static let recoveryWindow: TimeInterval = 300
    /// How many of a run's newest messages are searched for a message whose answer was lost.
    static let recoveryMessageCount = 20

    /// Looks for the run a lost `runs/start` may have created: on API v2, the team's runs of `agentID` created
    /// since shortly before the call, newest first, whose first message is `message`. Exactly one match is returned
    /// (with `"recovered": true`); anything else is an ``DuvoAPIError/outcomeUnknown(failure:check:)``.
    func recoverStart(after failure: DuvoAPIError, agentID: String, message: String?, teamID: String?,
                      sentAt: Date, write: WriteRecovery.Token) async throws(DuvoAPIError) -> StartedRun {
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
        let candidates: [Run]
        let rivalled: Bool
        do {
            let filter = RunListFilter(agentID: agentID, since: since, limit: 20, sortBy: "created_at",
                                       sortOrder: "desc")
            candidates = try await listRuns(filter, teamID: teamID).runs
            rivalled = recovery.hasRival(write)
        } catch {
            throw .outcomeUnknown(failure: failure, check: "The run may have been created, and looking for it failed "
                + "too (\(error.what)). Check with \(listing) before starting again.")
        }
        guard let began = recovery.earliestServerTime(at: sentAt.timeIntervalSince1970) else {
            throw .outcomeUnknown(failure: failure, check: Self.noClockCheck("run") + " Check with \(listing) "
                + "before starting again.")
        }
        var matches: [Run] = []
        // The listing asked for 20; a Duvo that answers more does not make the recovery read more first messages.
        for run in candidates.prefix(20) {
            guard !recovery.wasAnswered(run.id), Self.mayBeNewer(run.createdAt, than: began) else { continue }
            do {
                let first = try await messages(run.id, limit: 1, offset: 0).messages.first
                if Self.isUserMessage(first, text: message) { matches.append(run) }
            } catch {
                throw .outcomeUnknown(failure: failure, check: "The run may have been created, and looking for it "
                    + "failed too (\(error.what)). Check with \(listing) before starting again.")
            }
        }
        switch matches.count {
        case 1 where !rivalled && recovery.noteAnswered(matches[0].id):
            return StartedRun(run: matches[0], recovered: true)
        case 1 where rivalled:
            throw .outcomeUnknown(failure: failure, check: "Run \(matches[0].id) of agent \(agentID) with this "
                + "message was created after this call began, but an identical start of this process was under way "
                + "then, so it may be that one's; check with \(listing) before starting again.")
        case 0, 1:
            throw .outcomeUnknown(failure: failure, check: failure.answeredUnread
                ? "Duvo answered that it started the run, but no run of agent \(agentID) with this message created "
                    + "after this call began was found yet; check with \(listing) before starting again."
                : "No run of agent \(agentID) with this message was created after this call began, so most likely "
                    + "none was; Duvo may still be creating it, so check with \(listing) before starting again.")
        default:
            let ids = matches.map(\.id).joined(separator: ", ")
            throw .outcomeUnknown(failure: failure, check: "\(matches.count) runs of agent \(agentID) with this "
                + "message were created after this call began (\(ids)), so the one this call made cannot be told; "
                + "check them before starting again.")
        }
    }

    /// Looks for a message whose post was lost among the run's newest messages: a user message with the same text
    /// written since shortly before the call is returned (with `"recovered": true`).
    func recoverMessage(after failure: DuvoAPIError, runID: String, text: String, sentAt: Date,
                        write: WriteRecovery.Token) async throws(DuvoAPIError) -> PostedMessage {
        let check = "runs/messages for run \(runID) (duvo runs messages \(runID))"
        let newest: [Message]
        let rivalled: Bool
        do {
            let total = try await messages(runID, limit: 1, offset: 0).total ?? 0
            let count = min(Self.recoveryMessageCount, maxMessagePageSize)
            newest = try await messages(runID, limit: count, offset: max(0, total - count)).messages
            rivalled = recovery.hasRival(write)
        } catch {
            throw .outcomeUnknown(failure: failure, check: "The message may have been posted, and looking for it "
                + "failed too (\(error.what)). Check \(check) before sending it again.")
        }
        guard let began = recovery.earliestServerTime(at: sentAt.timeIntervalSince1970) else {
            throw .outcomeUnknown(failure: failure, check: Self.noClockCheck("message") + " Check \(check) before "
                + "sending it again.")
        }
        let found = newest.filter { message in
            Self.isUserMessage(message, text: text) && Self.mayBeNewer(message.timestamp, than: began)
                && !(message.id.map(recovery.wasAnswered) ?? false)
        }
        guard found.count == 1, !rivalled, recovery.noteAnswered(found[0].id ?? "") else {
            let why = switch found.count {
            case 0 where failure.answeredUnread:
                "Duvo answered that it took the message, but none with this text written after this call began was "
                    + "found yet"
            case 0: "No message with this text was written after this call began, so most likely it did not arrive"
            case 1 where rivalled:
                "A message with this text was written after this call began, but an identical message of this "
                    + "process to the run was under way then, so it may be that one"
            default:
                "\(found.count) messages with this text were written after this call began, so the one this call "
                    + "wrote cannot be told"
            }
            throw .outcomeUnknown(failure: failure, check: "\(why); check \(check) before sending it again.")
        }
        return PostedMessage(message: found[0], recovered: true)
    }

    /// Runs `call`, a write of `identity`, known to the recovery of identical writes while in flight and as answered
    /// once it returns (see ``WriteRecovery/hasRival(_:)``).
    func tracked<Value>(_ identity: String, _ call: (WriteRecovery.Token) async throws(DuvoAPIError) -> Value)
        async throws(DuvoAPIError) -> Value
    {
        let write = recovery.began(identity)
        do {
            let value = try await call(write)
            recovery.ended(write, answered: true)
            return value
        } catch {
            recovery.ended(write, answered: false)
            throw error
        }
    }

    /// What makes two writes identical to their recovery: the kind, the agent or run, and the text as it is matched.
    static func writeIdentity(_ kind: String, _ target: String, _ text: String?) -> String {
        [kind, target.lowercased(), text?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""]
            .joined(separator: "\u{0}")
    }

    /// The advice for an answer to a human request whose own answer was lost: trying again is safe.
    static let respondCheck = "Answering again is safe: if this answer reached Duvo, the request is no longer "
        + "pending and Duvo refuses a second one (request_not_pending); runs/get shows whether it was answered."

    /// Whether `message` is a user message whose text is `text` (Duvo's docs call the text `text_content` or
    /// `content`).
    private static func isUserMessage(_ message: Message?, text: String) -> Bool {
        guard let message, message.isFromUser else { return false }
        return message.text?.trimmingCharacters(in: .whitespacesAndNewlines) == text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Why nothing can be recovered when no answer carried Duvo's `Date`.
    private static func noClockCheck(_ what: String) -> String {
        "The \(what) may have been written; Duvo's answers carried no Date header, so a \(what) this call wrote "
            + "cannot be told from an identical earlier one."
    }

    /// Whether something Duvo stamped `timestamp` may have been made at or after `began` on Duvo's clock: false
    /// only when it provably came before (its latest possible moment, given the stamp's resolution, is earlier).
    /// A missing or unreadable stamp proves nothing either way, so it is not taken as this call's effect.
    static func mayBeNewer(_ timestamp: String?, than began: Double) -> Bool {
        guard let timestamp, let (seconds, resolution) = parseTimestamp(timestamp) else { return false }
        return seconds + resolution >= began
    }

    /// An ISO 8601 timestamp (`2026-05-18T09:30:00Z`, `2026-05-18T09:30:00.123+00:00`) as seconds since the epoch
    /// and the resolution of its digits (1 s without a fraction).
    static func parseTimestamp(_ text: String) -> (Double, Double)? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) {
            let digits = text.split(separator: ".").last?.prefix { $0.isNumber }.count ?? 3
            return (date.timeIntervalSince1970, 1 / pow(10, Double(max(1, digits))))
        }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text).map { ($0.timeIntervalSince1970, 1) }
    }

    /// `2026-05-18T09:30:00Z`: whole seconds in UTC, the form Duvo's `since` and timestamps use.
    static func isoTimestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
