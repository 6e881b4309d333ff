/// ANSI styles for terminal output, or none at all: every method returns its text unchanged when disabled, so
/// rendering code never checks whether colour is on.
struct Palette: Sendable {
    /// Whether escape codes are written.
    let enabled: Bool

    /// A palette that colours when `enabled`.
    init(enabled: Bool) {
        self.enabled = enabled
    }

    private func wrap(_ text: String, _ code: String) -> String {
        enabled && !text.isEmpty ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    func bold(_ text: String) -> String { wrap(text, "1") }
    func dim(_ text: String) -> String { wrap(text, "2") }
    func red(_ text: String) -> String { wrap(text, "31") }
    func green(_ text: String) -> String { wrap(text, "32") }
    func yellow(_ text: String) -> String { wrap(text, "33") }
    func blue(_ text: String) -> String { wrap(text, "34") }
    func magenta(_ text: String) -> String { wrap(text, "35") }
    func cyan(_ text: String) -> String { wrap(text, "36") }
    /// Bold yellow: what needs the user's attention (a pending human request).
    func attention(_ text: String) -> String { wrap(text, "1;33") }

    /// A run status in the colour of what it means: green done, red failed, yellow stopped or waiting for you.
    func status(_ status: String) -> String {
        switch status {
        case "completed": green(status)
        case "failed": red(status)
        case "stopped", "interrupted": yellow(status)
        case "waiting": attention(status)
        default: cyan(status)
        }
    }
}
