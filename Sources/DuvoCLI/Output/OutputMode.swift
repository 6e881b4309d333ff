/// How output is shaped: JSON or text, coloured or plain, with or without a live status line.
///
/// Colour follows the usual conventions: on only when stdout is a terminal, never when `NO_COLOR` is set to
/// anything but the empty string, and forced on (even into a pipe) by `CLICOLOR_FORCE` set to anything but `0`.
/// The live status line needs a real terminal, since it redraws itself in place.
struct OutputMode: Sendable {
    /// Whether documents are printed as JSON (one per line) instead of text.
    let json: Bool
    /// Whether text carries ANSI colours.
    let color: Bool
    /// Whether a status line is drawn and redrawn while waiting.
    let liveStatus: Bool

    /// The mode for `--json` (or not) given the environment and whether stdout is a terminal.
    init(json: Bool, environment: [String: String], stdoutIsTerminal: Bool) {
        self.json = json
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        let forced = environment["CLICOLOR_FORCE"].map { !$0.isEmpty && $0 != "0" } ?? false
        color = !json && !noColor && (stdoutIsTerminal || forced)
        liveStatus = !json && stdoutIsTerminal && environment["TERM"] != "dumb"
    }
}
