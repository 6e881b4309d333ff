import JSONCore

/// The short texts a model reads in a tool's `content`: the facts it needs to decide the next step (ids, status,
/// what a person is asked) and that next step, without repeating the whole structured result.
enum ToolSummary {
    /// Lines of a list shown before the rest is only counted.
    static let listedItems = 20

    /// The summary of `result`, the answer of the method `method` called with `arguments`.
    static func text(method: String, arguments: [String: JSONValue], result: JSONValue) -> String {
        let runID = arguments["run_id"]?.stringValue ?? result["run"]?["id"]?.stringValue ?? "?"
        switch method {
        case "runs/start":
            let run = result["run"] ?? .null
            let id = run["id"]?.stringValue ?? "?"
            return "Started run \(id) of agent \(run["agent_id"]?.stringValue ?? "?") (status: "
                + "\(run["status"]?.stringValue ?? "unknown")). Next: call duvo_wait_for_run with run_id \(id)."
        case "runs/get":
            return runLine(result["run"] ?? .null) + " " + pendingText(result["pending_human_request"], runID: runID)
        case "runs/sendMessage":
            return "Sent message \(result["message"]?["id"]?.stringValue ?? "") to run \(runID). Next: call "
                + "duvo_wait_for_run to see the answer."
        case "runs/respond":
            let request = result["human_request"] ?? .null
            return "Answered \"\(request["title"]?.stringValue ?? "the request")\" with "
                + "\(request["response"]?.stringValue ?? "the answer"). The run resumes: call duvo_wait_for_run with "
                + "run_id \(runID)."
        case "runs/stop":
            let message = result["message"]?.stringValue.map { " \($0)" } ?? ""
            return result["success"]?.boolValue == true
                ? "Stop of run \(runID) accepted.\(message)" : "Run \(runID) was not stopped.\(message)"
        case "runs/list":
            return runList(result)
        case "runs/stats":
            return statistics(result)
        default:
            return String(JSONWriter(sortedKeys: true).string(result).prefix(1_000))
        }
    }

    /// "Run <id> (agent <id>) is <status>, started <time>." for one run object.
    static func runLine(_ run: JSONValue) -> String {
        var line = "Run \(run["id"]?.stringValue ?? "?") (agent \(run["agent_id"]?.stringValue ?? "?")) is "
            + (run["status"]?.stringValue ?? "unknown")
        if let started = run["started_at"]?.stringValue { line += ", started \(started)" }
        if let completed = run["completed_at"]?.stringValue { line += ", ended \(completed)" }
        return line + "."
    }

    private static func runList(_ result: JSONValue) -> String {
        let runs = result["data"]?.arrayValue ?? []
        let total = result["total"]?.intValue ?? runs.count
        let offset = result["offset"]?.intValue ?? 0
        var lines = ["\(runs.count) of \(total) runs (from offset \(offset)):"]
        for run in runs.prefix(listedItems) {
            lines.append("- \(run["id"]?.stringValue ?? "?") \(run["status"]?.stringValue ?? "unknown"), agent "
                + "\(run["agent_id"]?.stringValue ?? "?"), created \(run["created_at"]?.stringValue ?? "?")")
        }
        if runs.count > listedItems { lines.append("... and \(runs.count - listedItems) more in the result.") }
        if offset + runs.count < total { lines.append("More: call again with offset \(offset + runs.count).") }
        return lines.joined(separator: "\n")
    }

    private static func statistics(_ result: JSONValue) -> String {
        let counts = (result["counts"]?.objectValue ?? [:]).sorted { $0.key < $1.key }
            .map { "\($0.key) \($0.value.intValue ?? 0)" }.joined(separator: ", ")
        var text = "\(result["counted"]?.intValue ?? 0) of \(result["total"]?.intValue ?? 0) runs counted"
        text += counts.isEmpty ? "." : ": \(counts)."
        if let rate = result["failure_rate"]?.doubleValue {
            text += " Failure rate \(Int((rate * 100).rounded())) %."
        }
        let durations = result["duration_seconds"] ?? .null
        if let p50 = durations["p50"]?.doubleValue, let p95 = durations["p95"]?.doubleValue,
           let max = durations["max"]?.doubleValue {
            text += " Durations: p50 \(seconds(p50)), p95 \(seconds(p95)), max \(seconds(max))."
        }
        return text
    }

    /// A duration for people: `42 s`, `3.5 s`.
    static func seconds(_ value: Double) -> String {
        value >= 10 || value == value.rounded() ? "\(Int(value.rounded())) s" : "\((value * 10).rounded() / 10) s"
    }
}
