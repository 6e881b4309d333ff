import ArgumentKit

/// Options and arguments several `duvo runs` commands share, declared once so their help reads the same.
enum CommonOptions {
    /// `--json`, on the `runs` group so every subcommand accepts it.
    static let json = Option.flag("json", help: "Print JSON (Duvo's own body; JSON Lines with --follow).")
    /// The `RUN` argument.
    static let run = Positional("run", help: "The run's id (a UUID, as 'duvo runs start' prints it).")
    /// `--exit-status`: report how the run ended in the exit code.
    static let exitStatus = Option.flag(
        "exit-status", help: "Exit 10 if the run failed, 11 stopped, 12 interrupted, 13 waiting for a human.")
    /// `--follow`.
    static let follow = Option.flag("follow", short: "f", help: "Stream the run's messages until it ends.")
    /// `--timeout`: the deadline of each call to Duvo (`wait` has a `--timeout` of its own, from Duvo's CLI docs, and
    /// takes its calls' deadline from `DUVO_TIMEOUT` only).
    static let callTimeout = Option.value(
        "timeout", valueName: "S",
        help: "Deadline of each call to Duvo in seconds, retries included (else DUVO_TIMEOUT; default 30).")
    /// `--no-input`: never ask on the terminal.
    static let noInput = Option.flag(
        "no-input", help: "With --follow on a terminal: print the respond command instead of asking.",
        environment: "DUVO_NO_INPUT")
}
