/// At most one published hint per run per ``window`` seconds, whatever the event rate, without losing the last
/// word: a hint that comes within the window of the run's last one is held and replaces any held before it, and
/// the held hint goes out when the window ends (leading and trailing edge).
///
/// A pure value: time comes in as an argument; ``WebhookPublisher`` drives it. Memory is bounded: runs quiet for a
/// window are forgotten, and at most ``capacity`` runs are tracked at once (a hint for one more is dropped).
package struct HintThrottle: Sendable {
    /// What to do with an offered hint.
    package enum Decision: Sendable, Hashable {
        /// Publish it now.
        case publish
        /// Held until the run's window ends (``due(now:)`` then gives it).
        case held
        /// Dropped: too many runs are tracked.
        case dropped
    }

    /// The seconds between two hints of one run.
    package let window: Double
    /// The most runs tracked at once.
    package let capacity: Int
    private var runs: [String: Entry] = [:]

    private struct Entry: Sendable {
        var lastPublished: Double
        var held: WebhookHint?
    }

    package init(window: Double = 0.25, capacity: Int = 10_000) {
        self.window = window
        self.capacity = capacity
    }

    /// How many runs are tracked now.
    package var trackedRuns: Int { runs.count }

    /// The earliest time a held hint is due, nil when none is held.
    package var nextDue: Double? {
        runs.values.compactMap { $0.held == nil ? nil : $0.lastPublished + window }.min()
    }

    /// Decides about `hint`, received at `now`.
    package mutating func offer(_ hint: WebhookHint, now: Double) -> Decision {
        if var entry = runs[hint.runID], now - entry.lastPublished < window {
            entry.held = hint
            runs[hint.runID] = entry
            return .held
        }
        if runs[hint.runID] == nil, runs.count >= capacity {
            forgetQuiet(now: now)
            guard runs.count < capacity else { return .dropped }
        }
        runs[hint.runID] = Entry(lastPublished: now, held: nil)
        return .publish
    }

    /// The held hints whose window has ended by `now`, to publish now (each starts its run's next window); forgets
    /// runs quiet for a window.
    package mutating func due(now: Double) -> [WebhookHint] {
        var ready: [WebhookHint] = []
        for (runID, entry) in runs where now - entry.lastPublished >= window {
            if let held = entry.held {
                ready.append(held)
                runs[runID] = Entry(lastPublished: now, held: nil)
            }
        }
        forgetQuiet(now: now)
        return ready.sorted { $0.receivedAt < $1.receivedAt }
    }

    private mutating func forgetQuiet(now: Double) {
        runs = runs.filter { $0.value.held != nil || now - $0.value.lastPublished < window }
    }
}
