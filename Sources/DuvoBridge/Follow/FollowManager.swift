import DuvoAPI
import Foundation
import JSONCore
import JSONRPC
import RunWatching

/// The follows of one connection: turns the scheduler's run events into `runs/*` notifications for the client.
actor FollowManager {
    private let operations: RunOperations
    private var forwards: [String: (id: UInt64, task: Task<Void, Never>)] = [:]
    private var counter = 0

    init(operations: RunOperations) {
        self.operations = operations
    }

    /// Follows `runID` from message `offset` (see ``RunOperations/follow(_:from:messages:known:)``) and forwards its
    /// events as notifications on the request's connection. `known` is the run as Duvo just returned it, if the
    /// caller has it. Returns the subscription's name, e.g. `sub-1`.
    func follow(_ runID: RunID, offset: Int, known: Run? = nil, context: RPCRequestContext)
        async throws(BridgeFailure) -> String
    {
        let subscription: PollScheduler.Subscription
        do {
            subscription = try await operations.follow(runID, from: offset, known: known)
        } catch {
            throw BridgeFailure(error)
        }
        counter += 1
        let name = "sub-\(counter)"
        let connection = context.connection
        let task = Task {
            for await event in subscription.events {
                let (method, params) = Self.notification(for: event, subscription: name, runID: runID.text)
                await connection.notify(method, params: params)
            }
            self.forget(name)
        }
        forwards[name] = (subscription.id, task)
        return name
    }

    /// Ends a follow early. Returns false when it had already ended (or never existed).
    func unfollow(_ name: String) async -> Bool {
        guard let forward = forwards[name] else { return false }
        let ended = await operations.unfollow(forward.id)
        await forward.task.value
        return ended
    }

    /// Ends every follow with reason `shutdown` and waits until each has sent its last notification.
    func shutdown() async {
        let tasks = forwards.values.map(\.task)
        await operations.scheduler().shutdown()
        for task in tasks { await task.value }
    }

    private func forget(_ name: String) {
        forwards[name] = nil
    }

    /// The notification that reports `event`; `now` is the wall-clock time a stall is reported with.
    static func notification(for event: RunEvent, subscription: String, runID: String,
                             now: Date = Date()) -> (String, JSONValue) {
        switch event {
        case .message(let index, let message):
            return ("runs/message", ["subscription": .string(subscription), "run_id": .string(runID),
                                     "index": .int(index), "message": message.json])
        case .status(let status, let previous, let run, let pending):
            return ("runs/status", ["subscription": .string(subscription), "run_id": .string(runID),
                                    "status": .string(status.rawValue),
                                    "previous_status": .optional(previous?.rawValue), "run": run.json,
                                    "pending_human_request": pending?.json ?? .null])
        case .stalled(let error):
            return ("runs/followStalled", ["subscription": .string(subscription), "run_id": .string(runID),
                                           "since": .string(timestamp(now)), "error": detail(of: error)])
        case .recovered(let seconds):
            let rounded = (seconds * 1000).rounded() / 1000
            return ("runs/followRecovered", ["subscription": .string(subscription), "run_id": .string(runID),
                                             "stalled_s": .double(rounded)])
        case .ended(let status, let reason, let error):
            var params: JSONValue = ["subscription": .string(subscription), "run_id": .string(runID),
                                     "status": .optional(status?.rawValue), "reason": .string(reason.rawValue)]
            if let error { params["error"] = detail(of: error) }
            return ("runs/followEnded", params)
        }
    }

    /// `{code, message, data}` as an error answer would carry it.
    private static func detail(of error: DuvoAPIError) -> JSONValue {
        let rpc = RPCError(error)
        var detail: JSONValue = ["code": .int(rpc.code.rawValue), "message": .string(rpc.message)]
        if let data = rpc.data { detail["data"] = data }
        return detail
    }

    /// An ISO 8601 timestamp in UTC with whole seconds, as Duvo writes its own.
    private static func timestamp(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }
}
