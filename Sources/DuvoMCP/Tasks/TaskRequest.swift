import JSONCore
import JSONRPC

/// The params every `tasks/*` request shares, and the check that its client declared the extension.
struct TaskRequest: Decodable, Sendable {
    let taskId: String
    let meta: JSONValue?
    /// `tasks/update` only: answers keyed like the task's `inputRequests`.
    let inputResponses: [String: JSONValue]?

    enum CodingKeys: String, CodingKey {
        case taskId, meta = "_meta", inputResponses
    }

    /// The request's declarations, when it may use tasks.
    /// - Throws: ``RPCError`` for bad `_meta`, -32021 when this request did not declare the extension.
    func modern(method: String) throws(RPCError) -> ModernRequest {
        try Self.requireTasks(meta: meta, method: method)
    }

    /// The 2026 request in `meta`, which must declare the Tasks extension.
    /// - Throws: ``RPCError`` for bad `_meta`, -32021 naming the extension when it is not declared.
    static func requireTasks(meta: JSONValue?, method: String) throws(RPCError) -> ModernRequest {
        let modern = try ModernRequest.require(meta: meta, method: method)
        guard modern.capabilities.tasks else {
            throw RPCError.missingCapability(["extensions": [ClientCapabilities.tasksExtension: [:]]],
                                             "\(method) needs the \(ClientCapabilities.tasksExtension) extension "
                                                 + "in this request's clientCapabilities")
        }
        return modern
    }
}

/// `tasks/get`: the task (the run) as it stands, with its form while it waits and its result once done.
enum GetTask: RPCMethod {
    static let name = "tasks/get"
    typealias Params = TaskRequest
    typealias Result = JSONValue
}

/// `tasks/update`: answers what the task waits for; an empty acknowledgement.
enum UpdateTask: RPCMethod {
    static let name = "tasks/update"
    typealias Params = TaskRequest
    typealias Result = JSONValue
}

/// `tasks/cancel`: stops the run; an empty acknowledgement (the task then reads `cancelled`).
enum CancelTask: RPCMethod {
    static let name = "tasks/cancel"
    typealias Params = TaskRequest
    typealias Result = JSONValue
}
