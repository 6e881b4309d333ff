/// The tasks of running jobs, by token and by request id, so that a cancellation is one lookup.
struct InFlightTable {
    private var tasks: [UInt64: Task<Void, Never>] = [:]
    private var ids: [UInt64: RPCRequestID] = [:]
    private var tokensByID: [RPCRequestID: Set<UInt64>] = [:]

    var count: Int { tasks.count }
    var isEmpty: Bool { tasks.isEmpty }

    mutating func insert(_ task: Task<Void, Never>, token: UInt64, id: RPCRequestID?) {
        tasks[token] = task
        if let id {
            ids[token] = id
            tokensByID[id, default: []].insert(token)
        }
    }

    mutating func remove(token: UInt64) {
        tasks[token] = nil
        guard let id = ids.removeValue(forKey: token) else { return }
        tokensByID[id]?.remove(token)
        if tokensByID[id]?.isEmpty == true { tokensByID[id] = nil }
    }

    /// Whether the job of `token` is running (it may be queued, or done).
    func isRunning(_ token: UInt64) -> Bool { tasks[token] != nil }

    /// The running tasks of requests carrying `id` (several if the client reused it).
    func tasks(for id: RPCRequestID) -> [Task<Void, Never>] {
        (tokensByID[id] ?? []).compactMap { tasks[$0] }
    }

    func cancelAll() {
        for task in tasks.values { task.cancel() }
    }
}
