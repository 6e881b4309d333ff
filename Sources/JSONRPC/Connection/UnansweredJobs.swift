/// The jobs that owe an answer, by token and by request id: an answer is sent only while its job is here, and a
/// cancellation finds the jobs it names in one lookup, whatever else waits.
struct UnansweredJobs {
    private var jobs: [UInt64: Job] = [:]
    private var tokensByID: [RPCRequestID: Set<UInt64>] = [:]

    /// Notes that `job` owes an answer (a job without id, a notification, owes none).
    mutating func insert(_ job: Job) {
        guard let id = job.id else { return }
        jobs[job.token] = job
        tokensByID[id, default: []].insert(job.token)
    }

    /// Takes the job of `token` out; nil when it is answered already (or was forgotten).
    mutating func remove(token: UInt64) -> Job? {
        guard let job = jobs.removeValue(forKey: token) else { return nil }
        if let id = job.id {
            tokensByID[id]?.remove(token)
            if tokensByID[id]?.isEmpty == true { tokensByID[id] = nil }
        }
        return job
    }

    /// The jobs carrying `id` (several if the client reused it), oldest first.
    func jobs(carrying id: RPCRequestID) -> [Job] {
        (tokensByID[id] ?? []).sorted().compactMap { jobs[$0] }
    }

    /// Every job, oldest first.
    var all: [Job] { jobs.values.sorted { $0.token < $1.token } }
}
