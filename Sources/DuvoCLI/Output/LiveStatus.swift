import Synchronization

/// The status line under a follow, wait or watch on a terminal: a spinner, what is being waited on, and the time
/// spent, redrawn a few times a second and erased when done. Without a terminal every call does nothing.
final class LiveStatus: Sendable {
    private struct State {
        var text = ""
        var frame = 0
        var ticker: Task<Void, Never>?
        var active = false
    }

    private let console: Console
    private let started = ContinuousClock.now
    private let state = Mutex(State())
    private static let frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    /// A status line on `console`.
    init(console: Console) {
        self.console = console
    }

    /// Shows `text` now and keeps the line ticking until ``stop()``.
    func update(_ text: String) {
        guard console.mode.liveStatus else { return }
        state.withLock { state in
            state.text = text
            state.active = true
            guard state.ticker == nil else { return }
            state.ticker = Task { [weak self] in
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: 250_000_000)
                    guard let self, !Task.isCancelled else { return }
                    self.redraw()
                }
            }
        }
        redraw()
    }

    /// Erases the line and stops the ticking.
    func stop() {
        guard console.mode.liveStatus else { return }
        // Under the lock, so a redraw already under way cannot paint the line again after it is erased.
        state.withLock { state in
            state.active = false
            state.ticker?.cancel()
            state.ticker = nil
            console.status(nil)
        }
    }

    private func redraw() {
        state.withLock { state in
            guard state.active else { return }
            state.frame += 1
            let seconds = Int((ContinuousClock.now - started).components.seconds)
            let elapsed = seconds < 60 ? "\(seconds)s"
                : "\(seconds / 60)m" + (seconds % 60 < 10 ? "0" : "") + "\(seconds % 60)s"
            let spinner = Self.frames[state.frame % Self.frames.count]
            console.status(console.palette.cyan(spinner) + " " + state.text + console.palette.dim(" · " + elapsed))
        }
    }
}
