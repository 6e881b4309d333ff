import Foundation
import JSONCore

/// The operations guide's aggregated views, computed for the user: counts by status, failure rate, durations.
package struct RunStatistics: Sendable {
    /// Runs matching the filter, as Duvo counted them.
    package var total: Int
    /// Runs actually read (the list is read up to a cap).
    package var counted: Int
    /// How many runs are in each status.
    package var counts: [String: Int]
    /// failed / terminal runs, or nil when none is terminal.
    package var failureRate: Double?
    /// Durations in seconds (completed_at - started_at) of runs that have both.
    package var durations: [Double]

    /// Statistics over `runs`, out of `total` matching.
    package init(runs: [Run], total: Int) {
        self.total = total
        counted = runs.count
        var counts: [String: Int] = [:]
        var durations: [Double] = []
        for run in runs {
            counts[run.status.rawValue, default: 0] += 1
            if let start = run.startedAt.flatMap(Self.parseDate), let end = run.completedAt.flatMap(Self.parseDate),
               end >= start {
                durations.append(end - start)
            }
        }
        self.counts = counts
        self.durations = durations.sorted()
        let terminal = RunStatus.terminal.reduce(0) { $0 + (counts[$1.rawValue] ?? 0) }
        failureRate = terminal == 0 ? nil : Double(counts[RunStatus.failed.rawValue] ?? 0) / Double(terminal)
    }

    /// The spread of ``durations`` (seconds): what `runs/stats` reports as `duration_seconds`.
    package struct DurationSummary: Sendable, Hashable {
        package var count: Int
        package var min: Double
        package var mean: Double
        package var p50: Double
        package var p95: Double
        package var max: Double
    }

    /// The spread of the durations; nil when no run has both times.
    package var durationSummary: DurationSummary? {
        guard let first = durations.first, let last = durations.last else { return nil }
        return DurationSummary(count: durations.count, min: first,
                               mean: durations.reduce(0, +) / Double(durations.count),
                               p50: Self.percentile(durations, 0.50), p95: Self.percentile(durations, 0.95),
                               max: last)
    }

    /// The `runs/stats` result, failure rate rounded to four decimals.
    package var report: StatisticsReport {
        StatisticsReport(total: total, counted: counted, counts: counts,
                         failureRate: failureRate.map { ($0 * 10_000).rounded() / 10_000 }, durations: durationSummary)
    }

    /// The `runs/stats` result object.
    package var json: JSONValue { report.json }

    /// The nearest-rank percentile of sorted values.
    static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }

    /// Seconds since 1970 of an ISO 8601 time, with or without fractional seconds.
    package static func parseDate(_ text: String) -> Double? {
        if let date = try? Date(text, strategy: .iso8601) { return date.timeIntervalSince1970 }
        let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        return (try? fractional.parse(text))?.timeIntervalSince1970
    }
}

extension DuvoClient {
    /// Reads the runs matching `agentID`/`since` (up to `cap`) and computes ``RunStatistics``.
    package func statistics(agentID: String?, since: String?, teamID: String? = nil, cap: Int = 1_000)
        async throws(DuvoAPIError) -> RunStatistics
    {
        let filter = RunListFilter(agentID: agentID, since: since, sortBy: "created_at", sortOrder: "desc")
        let page = try await allRuns(filter, teamID: teamID, cap: cap)
        return RunStatistics(runs: page.runs, total: page.total ?? 0)
    }
}
