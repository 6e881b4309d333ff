import JSONCore

/// Shows runs for people: one run in detail (`get`), many as a table (`list`), and one-line outcomes.
struct RunRenderer: Sendable {
    /// The colours to use.
    let palette: Palette

    /// The detail view of a `{run, pending_human_request}` answer.
    func detail(_ snapshot: JSONValue) -> [String] {
        let run = snapshot["run"] ?? .null
        let id = run["id"]?.stringValue ?? "?"
        let status = run["status"]?.stringValue ?? "unknown"
        var lines = [palette.bold("Run \(id)") + "  " + palette.status(status)]
        let fields: [(String, String)] = [
            ("agent", "agent_id"), ("build", "build_id"), ("source", "source"), ("sandbox", "sandbox_id"),
            ("created", "created_at"), ("started", "started_at"), ("completed", "completed_at"),
            ("updated", "updated_at"),
        ]
        for (label, key) in fields {
            guard let value = run[key]?.stringValue else { continue }
            lines.append("  " + palette.dim(label.padding(10)) + value)
        }
        if let severity = run["issue_severity"]?.stringValue {
            lines.append("  " + palette.dim("issues".padding(10)) + palette.yellow(severity))
        }
        if let pending = snapshot["pending_human_request"], pending.objectValue != nil {
            lines.append("")
            lines += HumanRequestRenderer(palette: palette).lines(for: pending, runID: id)
        }
        return lines
    }

    /// A table of runs with a header, one row per run.
    func table(_ runs: [JSONValue]) -> [String] {
        let header = ["ID".padding(36), "STATUS".padding(11), "AGENT".padding(36), "CREATED".padding(24), "ISSUES"]
        var lines = [palette.dim(header.joined(separator: "  "))]
        for run in runs {
            let status = run["status"]?.stringValue ?? "unknown"
            let cells = [
                (run["id"]?.stringValue ?? "?").padding(36),
                palette.status(status) + String(repeating: " ", count: max(0, 11 - status.count)),
                (run["agent_id"]?.stringValue ?? "").padding(36),
                (run["created_at"]?.stringValue ?? "").padding(24),
                run["issue_severity"]?.stringValue ?? "",
            ]
            lines.append(cells.joined(separator: "  "))
        }
        return lines
    }

    /// `Run <id> <status>.`, the last line of a follow or a wait.
    func outcome(runID: String, status: String) -> String {
        "Run \(runID) " + palette.status(status) + "."
    }
}

extension String {
    /// The string padded with spaces to `width` characters (longer strings are kept whole).
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
