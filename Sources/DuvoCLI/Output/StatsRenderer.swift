import DuvoAPI
import Foundation

/// Shows ``RunStatistics`` for people: counts by status, the failure rate and the spread of durations.
struct StatsRenderer: Sendable {
    /// The colours to use.
    let palette: Palette

    /// The lines for `statistics`.
    func lines(_ statistics: RunStatistics) -> [String] {
        var lines = ["Runs: \(statistics.total)"
            + (statistics.counted < statistics.total ? " (the newest \(statistics.counted) read)" : "")]
        let byCount = statistics.counts.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
        for (status, count) in byCount {
            lines.append("  " + palette.status(status) + String(repeating: " ", count: max(1, 13 - status.count))
                + String(count))
        }
        if let rate = statistics.failureRate {
            lines.append("Failure rate: " + String(format: "%.1f %%", rate * 100) + palette.dim(" (failed / ended)"))
        } else {
            lines.append("Failure rate: " + palette.dim("none ended yet"))
        }
        // The percentiles are the ones `runs/stats` returns, so the two views cannot disagree.
        if let duration = statistics.durationSummary {
            let parts = [("min", duration.min), ("mean", duration.mean), ("p50", duration.p50), ("p95", duration.p95),
                         ("max", duration.max)].map { "\($0.0) \(Self.seconds($0.1))" }
            lines.append("Duration over \(duration.count) runs: " + parts.joined(separator: "  "))
        } else {
            lines.append("Duration: " + palette.dim("no run has both started_at and completed_at"))
        }
        return lines
    }

    /// Seconds as `4.2 s`, or `3 m 05 s` past a minute.
    static func seconds(_ value: Double) -> String {
        if value < 60 { return String(format: "%.1f s", value) }
        let total = Int(value.rounded())
        return String(format: "%d m %02d s", total / 60, total % 60)
    }
}
