/// The documented exit statuses of `duvo runs ...`, so scripts can branch on what happened without parsing text.
///
/// | code | meaning |
/// | --- | --- |
/// | 0 | success |
/// | 1 | Duvo refused the request (400, 404, 409, 422, other API errors), or nothing to answer |
/// | 2 | bad usage: unknown flag or command, missing or malformed value |
/// | 3 | auth or configuration: 401/403, no key, no team, an option that needs API v2 |
/// | 4 | network failure or Duvo unavailable (5xx, 429 after retries, an unreadable answer) |
/// | 5 | timeout: `wait --timeout` expired, or a request got no answer in time |
/// | 10-13 | with `--exit-status`: the run failed, was stopped, was interrupted, waits for a human |
/// | 130 | interrupted by Ctrl-C (SIGINT) or SIGTERM |
package struct ExitCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The process exit status.
    package let rawValue: Int32

    /// An exit code with this status.
    package init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// The command did what was asked.
    package static let success = ExitCode(rawValue: 0)
    /// Duvo refused the request, or the request cannot be made as asked (no pending human request).
    package static let refused = ExitCode(rawValue: 1)
    /// The command line is wrong; the message names the flag.
    package static let usage = ExitCode(rawValue: 2)
    /// The key, team or API version is missing or rejected.
    package static let configuration = ExitCode(rawValue: 3)
    /// Duvo could not be reached or kept failing.
    package static let unavailable = ExitCode(rawValue: 4)
    /// Time ran out.
    package static let timeout = ExitCode(rawValue: 5)
    /// With `--exit-status`: the run ended `failed`.
    package static let runFailed = ExitCode(rawValue: 10)
    /// With `--exit-status`: the run ended `stopped`.
    package static let runStopped = ExitCode(rawValue: 11)
    /// With `--exit-status`: the run ended `interrupted`.
    package static let runInterrupted = ExitCode(rawValue: 12)
    /// With `--exit-status`: the run waits for a human (`wait --until attention`).
    package static let runWaiting = ExitCode(rawValue: 13)
    /// The user pressed Ctrl-C (128 + SIGINT, as shells report it).
    package static let interrupted = ExitCode(rawValue: 130)

    /// The code `--exit-status` reports for a run that stopped moving in `status`; success for `completed` and for
    /// statuses this version does not know.
    package init(runStatus status: String) {
        switch status {
        case "failed": self = .runFailed
        case "stopped": self = .runStopped
        case "interrupted": self = .runInterrupted
        case "waiting": self = .runWaiting
        default: self = .success
        }
    }

    /// How bad an outcome is, for `watch`, which reports the worst of several: errors reaching Duvo rank above a
    /// failed run, which ranks above an interrupted one, then a stopped one, then one waiting for a human.
    var severity: Int {
        switch self {
        case .success: 0
        case .runWaiting: 1
        case .runStopped: 2
        case .runInterrupted: 3
        case .runFailed: 4
        default: 10 + Int(rawValue)
        }
    }

    /// The status as a number, e.g. `10`.
    package var description: String { String(rawValue) }
}
