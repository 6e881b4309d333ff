/// Jobs accepted but not yet started (first in, first out), waiting for a free in-flight slot.
struct JobQueue {
    private var jobs: [Job] = []
    private var head = 0

    var count: Int { jobs.count - head }
    var isEmpty: Bool { count == 0 }

    mutating func append(_ job: Job) {
        jobs.append(job)
    }

    mutating func popFirst() -> Job? {
        guard head < jobs.count else { return nil }
        let job = jobs[head]
        head += 1
        if head >= 1024, head * 2 >= jobs.count {
            jobs.removeSubrange(0..<head)
            head = 0
        }
        return job
    }

    /// Removes and returns the jobs carrying `id`, keeping the others in order.
    mutating func remove(id: RPCRequestID) -> [Job] {
        let waiting = jobs[head...]
        let removed = waiting.filter { $0.id == id }
        guard !removed.isEmpty else { return [] }
        jobs = waiting.filter { $0.id != id }
        head = 0
        return removed
    }

    /// Removes and returns every job.
    mutating func removeAll() -> [Job] {
        let waiting = Array(jobs[head...])
        jobs = []
        head = 0
        return waiting
    }
}
