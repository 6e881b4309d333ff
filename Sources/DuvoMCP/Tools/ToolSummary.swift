import DuvoAPI
import DuvoBridge
import JSONCore

/// The short texts a model reads in a tool's `content`: the facts it needs to decide the next step (ids, status,
/// what a person is asked) and that next step, without repeating the whole structured result.
enum ToolSummary {
    /// Lines of a list shown before the rest is only counted.
    static let listedItems = 20

    /// The summary of a method's typed result; `runID` is the run the call named, if any.
    static func text(_ result: MethodResult, runID given: String?) -> String {
        let runID = given ?? "?"
        switch result {
        case .started(let started, _):
            let run = started.run
            return "Started run \(run.id) of agent \(run.agentID ?? "?") (status: \(run.status)). Next: call "
                + "duvo_wait_for_run with run_id \(run.id)."
        case .run(let read):
            return runLine(read.run) + " " + pendingText(read.pendingHumanRequest, runID: given ?? read.run.id)
        case .posted(let posted):
            return "Sent message \(posted.message.id ?? "") to run \(runID). Next: call duvo_wait_for_run to see the "
                + "answer."
        case .answered(let answered):
            return "Answered \"\(answered.title ?? "the request")\" with \(answered.response ?? "the answer"). The run "
                + "resumes: call duvo_wait_for_run with run_id \(runID)."
        case .stopped(let outcome):
            let message = outcome.message.map { " \($0)" } ?? ""
            return outcome.success
                ? "Stop of run \(runID) accepted.\(message)" : "Run \(runID) was not stopped.\(message)"
        case .runs(let page):
            return runList(page)
        case .statistics(let statistics):
            return self.statistics(statistics.report)
        case .messages, .waited, .followed, .unfollowed, .document:
            // Their tools have runners of their own (or there is no tool): the result as JSON, should one come here.
            return String(JSONWriter(sortedKeys: true).string(result.json).prefix(1_000))
        }
    }

    /// "Run <id> (agent <id>) is <status>, started <time>." for one run.
    static func runLine(_ run: Run) -> String {
        var line = "Run \(run.id) (agent \(run.agentID ?? "?")) is \(run.status)"
        if let started = run.startedAt { line += ", started \(started)" }
        if let completed = run.completedAt { line += ", ended \(completed)" }
        return line + "."
    }

    private static func runList(_ page: RunPage) -> String {
        let runs = page.runs
        let total = page.total ?? runs.count
        let offset = page.offset ?? 0
        var lines = ["\(runs.count) of \(total) runs (from offset \(offset)):"]
        for run in runs.prefix(listedItems) {
            lines.append("- \(run.id) \(run.status), agent \(run.agentID ?? "?"), created \(run.createdAt ?? "?")")
        }
        if runs.count > listedItems { lines.append("... and \(runs.count - listedItems) more in the result.") }
        if offset + runs.count < total { lines.append("More: call again with offset \(offset + runs.count).") }
        return lines.joined(separator: "\n")
    }

    private static func statistics(_ report: StatisticsReport) -> String {
        let counts = report.counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        var text = "\(report.counted) of \(report.total) runs counted"
        text += counts.isEmpty ? "." : ": \(counts)."
        if let rate = report.failureRate {
            text += " Failure rate \(Int((rate * 100).rounded())) %."
        }
        if let durations = report.durations {
            text += " Durations: p50 \(seconds(durations.p50)), p95 \(seconds(durations.p95)), "
                + "max \(seconds(durations.max))."
        }
        return text
    }

    /// A duration for people: `42 s`, `3.5 s`.
    static func seconds(_ value: Double) -> String {
        value >= 10 || value == value.rounded() ? "\(Int(value.rounded())) s" : "\((value * 10).rounded() / 10) s"
    }
}
