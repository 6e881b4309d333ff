import DuvoAPI

/// Shows runs for people: one run in detail (`get`), many as a table (`list`), and one-line outcomes.
struct RunRenderer: Sendable {
    /// The colours to use.
    let palette: Palette

    /// The detail view of a run and the request it waits on.
    func detail(_ snapshot: RunRead) -> [String] {
        let run = snapshot.run
        var lines = [palette.bold("Run \(run.id)") + "  " + palette.status(run.status.rawValue)]
        let fields: [(String, String?)] = [
            ("agent", run.agentID), ("build", run.buildID), ("source", run.source), ("sandbox", run.sandboxID),
            ("created", run.createdAt), ("started", run.startedAt), ("completed", run.completedAt),
            ("updated", run.updatedAt),
        ]
        for case let (label, value?) in fields {
            lines.append("  " + palette.dim(label.padding(10)) + value)
        }
        if let severity = run.issueSeverity {
            lines.append("  " + palette.dim("issues".padding(10)) + palette.yellow(severity))
        }
        if let pending = snapshot.pendingHumanRequest {
            lines.append("")
            lines += HumanRequestRenderer(palette: palette).lines(for: pending, runID: run.id)
        }
        return lines
    }

    /// A table of runs with a header, one row per run.
    func table(_ runs: [Run]) -> [String] {
        let header = ["ID".padding(36), "STATUS".padding(11), "AGENT".padding(36), "CREATED".padding(24), "ISSUES"]
        var lines = [palette.dim(header.joined(separator: "  "))]
        for run in runs {
            let status = run.status.rawValue
            let cells = [
                run.id.padding(36),
                palette.status(status) + String(repeating: " ", count: max(0, 11 - status.count)),
                (run.agentID ?? "").padding(36),
                (run.createdAt ?? "").padding(24),
                run.issueSeverity ?? "",
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
