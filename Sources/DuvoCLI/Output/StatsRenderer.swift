import DuvoAPI
import Foundation
import JSONCore

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
        // The percentiles come from the same JSON `runs/stats` returns, so the two views cannot disagree.
        let duration = statistics.json["duration_seconds"] ?? .null
        let count = duration["count"]?.intValue ?? 0
        if count == 0 {
            lines.append("Duration: " + palette.dim("no run has both started_at and completed_at"))
        } else {
            let parts = ["min", "mean", "p50", "p95", "max"].compactMap { key in
                duration[key]?.doubleValue.map { "\(key) \(Self.seconds($0))" }
            }
            lines.append("Duration over \(count) runs: " + parts.joined(separator: "  "))
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
