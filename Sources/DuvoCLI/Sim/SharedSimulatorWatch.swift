import Synchronization

/// Watches the shared simulator a `duvo runs --simulate` command talks to, and says when it has stopped (`duvo sim
/// stop`, its idle time, a kill): the runs it served are gone with it, so a follow that kept "waiting for Duvo" would
/// wait forever.
///
/// It looks every ``interval`` whether the simulator still holds its `sim.alive` lock under the same pid, so a follow
/// ends about a second after the simulator did, whatever the calls' retries are doing.
final class SharedSimulatorWatch: Sendable {
    /// How often it looks, in seconds.
    static let interval: Double = 1

    private let stopped = Mutex<CLIFailure?>(nil)
    private let task = Mutex<Task<Void, Never>?>(nil)

    /// Starts watching the simulator with `pid` of the runtime directory `environment` names; `onStop` runs once
    /// when it has stopped.
    init(environment: [String: String], pid: Int32, onStop: @escaping @Sendable () async -> Void) {
        let watcher = Task { [weak self] in
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: .seconds(Self.interval))
                } catch {
                    return
                }
                guard let reason = Self.stopReason(environment: environment, pid: pid) else { continue }
                self?.stopped.withLock {
                    $0 = CLIFailure("the shared simulator (pid \(pid)) \(reason); the runs it served are gone with "
                                    + "it", exitCode: .unavailable)
                }
                await onStop()
                return
            }
        }
        task.withLock { $0 = watcher }
    }

    /// Why the follow ended, once the simulator has stopped; nil while it runs.
    var failure: CLIFailure? { stopped.withLock { $0 } }

    /// Stops watching.
    func cancel() {
        task.withLock { $0?.cancel() }
    }

    /// What became of the simulator with `pid`, or nil while it runs.
    private static func stopReason(environment: [String: String], pid: Int32) -> String? {
        do {
            let shared = try SharedSimulator(environment: environment)
            guard let state = try shared.running() else {
                return "has stopped ('duvo sim stop', its idle time without a request, or a kill)"
            }
            return state.pid == pid ? nil : "has stopped and another (pid \(state.pid)) runs in its place"
        } catch {
            return "cannot be checked: \(error)"
        }
    }
}
