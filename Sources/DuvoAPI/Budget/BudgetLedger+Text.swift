/// The ledger as the few lines of text the runtime directory's budget file holds.
///
/// ```
/// duvo-budget 1
/// blocked 12345.6
/// status 12340.1
/// reserve 4.5 12344.0
/// waiter 3f9c0a1b2c3d4e5f 2 12347.0
/// sends-us 12290200000 12291000000 ...
/// ```
/// Unknown or malformed lines are skipped: a file from another version costs at most a minute of exactness.
extension BudgetLedger {
    /// The file's text.
    public var text: String {
        var lines = ["duvo-budget 1", "blocked \(blockedUntil)"]
        if lastStatusNews.isFinite { lines.append("status \(lastStatusNews)") }
        if reserveRefilledAt.isFinite { lines.append("reserve \(reserveTokens) \(reserveRefilledAt)") }
        for (participant, waiter) in waiters.sorted(by: { $0.key < $1.key }) {
            lines.append("waiter \(participant) \(waiter.priority.rawValue) \(waiter.expires)")
        }
        // Whole microseconds: integers are several times cheaper to write and read than shortest-form doubles, and
        // every request rewrites up to a minute's worth of them.
        lines.append((["sends-us"] + sendTimes.map { String(Int64(($0 * 1e6).rounded())) }).joined(separator: " "))
        return lines.joined(separator: "\n") + "\n"
    }

    /// Reads a ledger from the file's text.
    public init(text: String) {
        self.init()
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard let tag = fields.first else { continue }
            switch tag {
            case "blocked":
                if fields.count == 2, let value = Double(fields[1]) { blockedUntil = value }
            case "status":
                if fields.count == 2, let value = Double(fields[1]) { lastStatusNews = value }
            case "reserve":
                if fields.count == 3, let tokens = Double(fields[1]), let at = Double(fields[2]) {
                    reserveTokens = tokens
                    reserveRefilledAt = at
                }
            case "waiter":
                if fields.count == 4, let raw = Int(fields[2]), let priority = RateBudget.Priority(rawValue: raw),
                   let expires = Double(fields[3]) {
                    waiters[String(fields[1])] = Waiter(priority: priority, expires: expires)
                }
            case "sends-us":
                sendTimes = fields.dropFirst().compactMap { Int64($0).map { Double($0) / 1e6 } }.sorted()
            default:
                continue
            }
        }
    }
}
