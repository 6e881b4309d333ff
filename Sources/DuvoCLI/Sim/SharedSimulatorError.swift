/// Why the shared background simulator cannot be used, in words that say what to do.
enum SharedSimulatorError: Error, Sendable, CustomStringConvertible {
    /// The runtime directory or a file in it cannot be used.
    case runtime(String)
    /// The background simulator did not come up; the message points at its log.
    case cannotStart(String)
    /// It holds its lock but does not answer HTTP.
    case notAnswering(url: String, pid: Int32, reason: String)

    var description: String {
        switch self {
        case .runtime(let message): message
        case .cannotStart(let message): "the shared simulator could not start: \(message)"
        case .notAnswering(let url, let pid, let reason):
            "the shared simulator (pid \(pid)) at \(url) does not answer (\(reason)); stop it with 'duvo sim stop'"
        }
    }
}
