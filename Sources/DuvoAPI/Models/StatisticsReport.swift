import JSONCore

/// What `runs/stats` answers, as its callers read it: ``RunStatistics`` with the failure rate to four decimals and
/// the durations as their spread.
package struct StatisticsReport: DuvoModel {
    package static let kind = "statistics"

    package var total: Int
    package var counted: Int
    /// How many runs are in each status.
    package var counts: [String: Int]
    /// failed / ended runs, to four decimals; nil when none ended.
    package var failureRate: Double?
    /// The spread of durations; nil when no run has both times.
    package var durations: RunStatistics.DurationSummary?
    package var extra: [String: JSONValue]

    package init(total: Int, counted: Int, counts: [String: Int], failureRate: Double?,
                 durations: RunStatistics.DurationSummary?, extra: [String: JSONValue] = [:]) {
        self.total = total
        self.counted = counted
        self.counts = counts
        self.failureRate = failureRate
        self.durations = durations
        self.extra = extra
    }

    package init(reading reader: inout FieldReader) throws(DuvoAPIError) {
        total = try reader.optionalCount("total") ?? 0
        counted = try reader.optionalCount("counted") ?? 0
        counts = try reader.optionalObject("counts")?.compactMapValues(\.intValue) ?? [:]
        failureRate = try reader.optionalDouble("failure_rate")
        let spread = try reader.optionalObject("duration_seconds") ?? [:]
        if let count = spread["count"]?.intValue, count > 0, let min = spread["min"]?.doubleValue,
           let mean = spread["mean"]?.doubleValue, let p50 = spread["p50"]?.doubleValue,
           let p95 = spread["p95"]?.doubleValue, let max = spread["max"]?.doubleValue {
            durations = RunStatistics.DurationSummary(count: count, min: min, mean: mean, p50: p50, p95: p95, max: max)
        } else {
            durations = nil
        }
        extra = reader.rest
    }

    package var json: JSONValue {
        var writer = FieldWriter(extra: extra)
        writer.set("total", total)
        writer.set("counted", counted)
        writer.set("counts", .object(counts.mapValues { .int($0) }))
        writer.set("failure_rate", failureRate.map { .double($0) } ?? .null)
        let spread: JSONValue = durations.map {
            ["count": .int($0.count), "min": .double($0.min), "mean": .double($0.mean), "p50": .double($0.p50),
             "p95": .double($0.p95), "max": .double($0.max)]
        } ?? ["count": 0, "min": nil, "mean": nil, "p50": nil, "p95": nil, "max": nil]
        writer.set("duration_seconds", spread)
        return writer.json
    }
}
