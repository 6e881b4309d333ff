import DuvoAPI
import JSONCore
import JSONRPC
import RunWatching

/// `subscriptions/listen` (2026-07-28): a long-lived request whose stream carries `notifications/tasks` for the
/// tasks named in `notifications.taskIds`, each a full task as `tasks/get` would answer it.
///
/// The tool list never changes, so `toolsListChanged` (like the resource and prompt filters) is not honoured and is
/// left out of the acknowledgement, as the specification asks. The client ends the stream with
/// `notifications/cancelled`, the server when it shuts down; either way the request is answered with a `complete`
/// result carrying the subscription id.
enum ListenSubscriptions: RPCMethod {
    static let name = "subscriptions/listen"

    struct Params: Decodable, Sendable {
        let notifications: JSONValue?
        let meta: JSONValue?

        enum CodingKeys: String, CodingKey {
            case notifications, meta = "_meta"
        }
    }

    typealias Result = JSONValue
}

/// Serves one `subscriptions/listen` stream through the bridge's follows (the same polls as every follow).
struct TaskListener: Sendable {
    let board: TaskBoard
    let operations: RunOperations
    let serverVersion: String

    /// Acknowledges, then forwards task notifications until the client cancels (or the server shuts down).
    /// - Throws: ``RPCError`` for bad `_meta` or filter, -32021 when task ids are asked for without the extension.
    func listen(_ params: ListenSubscriptions.Params, context: RPCRequestContext) async throws -> JSONValue {
        let modern = try ModernRequest.require(meta: params.meta, method: ListenSubscriptions.name)
        let ids = try Self.taskIDs(params.notifications)
        if !ids.isEmpty {
            _ = try TaskRequest.requireTasks(meta: params.meta, method: "\(ListenSubscriptions.name) with taskIds")
        }
        let subscription = context.id?.json ?? .null
        let meta: JSONValue = [ModernRequest.Key.subscriptionID: subscription]
        let honoured: JSONValue = ids.isEmpty ? [:] : ["taskIds": .array(ids.map(JSONValue.string))]
        await context.connection.notify("notifications/subscriptions/acknowledged",
                                        params: ["_meta": meta, "notifications": honoured])
        await withTaskGroup(of: Void.self) { group in
            // A task id is a run id: anything else is no task of this server, and has nothing to forward. An id
            // named twice (in either case) is followed once.
            var named = Set<String>()
            for id in ids where RunID(id) != nil && named.insert(id.lowercased()).inserted {
                group.addTask {
                    await forward(id, capabilities: modern.capabilities, meta: meta, connection: context.connection)
                }
            }
        }
        // The stream stays open until the client cancels it or the server shuts down (which cancels it too); either
        // way it ends with the graceful result, so a client can tell it from a dropped connection.
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: .seconds(3_600))
            } catch {
                break
            }
        }
        return ModernResult.complete(["_meta": meta], serverVersion: serverVersion)
    }

    /// Forwards one task's status changes until its run ends, the stream is cancelled or the server shuts down.
    private func forward(_ taskID: String, capabilities: ClientCapabilities, meta: JSONValue,
                         connection: RPCConnection) async {
        // A task Duvo does not know ends its stream quietly, as before: it is not read first.
        let subscription: PollScheduler.Subscription
        do {
            subscription = try await operations.follow(RunID(unchecked: taskID), messages: false, verify: false)
        } catch {
            return
        }
        // The task as last told: a run going from pending to starting to running is one `working` task, told once.
        var told: [JSONValue?] = []
        for await event in subscription.events {
            switch event {
            case .status(_, _, let run, let pending):
                var task = await board.task(run: run, pending: pending, capabilities: capabilities).detailed
                let telling = [task["status"], task["statusMessage"], task["inputRequests"], task["result"]]
                guard telling != told else { continue }
                told = telling
                task["_meta"] = meta
                await connection.notify("notifications/tasks", params: task)
            case .ended:
                return
            case .message, .stalled, .recovered:
                // A task's status is the run's: a follow riding out trouble changes nothing a task poller sees.
                break
            }
        }
        await operations.unfollow(subscription.id)
    }

    private static func taskIDs(_ filter: JSONValue?) throws(RPCError) -> [String] {
        guard let filter, !filter.isNull else { return [] }
        guard filter.objectValue != nil else {
            throw RPCError.invalidParams("notifications must be an object (the subscription filter)",
                                         field: "notifications")
        }
        guard let list = filter["taskIds"], !list.isNull else { return [] }
        guard let items = list.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
            throw RPCError.invalidParams("notifications.taskIds must be an array of task id strings",
                                         field: "notifications.taskIds")
        }
        guard items.count <= maxTaskIDs else {
            throw RPCError.invalidParams("notifications.taskIds lists \(items.count) tasks; one stream follows at most "
                + "\(maxTaskIDs) (open another for more)", field: "notifications.taskIds")
        }
        return items.compactMap(\.stringValue)
    }

    /// The most tasks one `subscriptions/listen` stream follows: each is a follow, whose reads the key's budget pays.
    static let maxTaskIDs = 100
}
