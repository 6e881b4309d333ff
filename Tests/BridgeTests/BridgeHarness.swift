import Foundation
import JSONCore
import ServerTestSupport
import TestSupport

/// The server of `duvo rpc` in this process, on a simulator in this process, set up as
/// ``startBridge(_:wire:environment:)`` sets up the child (the simulated clock at 50x, polls at a twentieth);
/// `configure` changes the setup.
func startInProcess(_ configure: (inout InProcessBridge.Setup) -> Void = { _ in }) throws -> InProcessBridge {
    var setup = InProcessBridge.Setup()
    configure(&setup)
    return try InProcessBridge(setup)
}

/// Starts `duvo rpc` on its embedded simulator, fast: the simulated clock at 50x and polls at a tenth of normal.
func startBridge(_ extra: [String] = [], wire: RPCProcess.Wire = .ndjson, environment: [String: String] = [:])
    throws -> RPCProcess
{
    try RPCProcess(arguments: ["rpc", "--simulate=private", "--sim-speed", "50", "--poll-scale", "0.05"] + extra,
                   environment: RPCProcess.cleanEnvironment(adding: environment), wire: wire)
}

/// Starts `duvo rpc` with the simulated clock at 5x, for tests that need a `slow` run (about 40 s long there) to be
/// still active when they act on it, however loaded the machine.
func startBridgeForSlowRuns() throws -> RPCProcess {
    try startBridge(["--sim-speed", "5"])
}

/// A `duvo sim` with its own key, team `acme` and rate limit (logging every request at debug), and a `duvo rpc` on
/// it with the same limit, as against the real Duvo. Stop the simulator when done.
func startBridgeOnSimulator(speed: Double, rateLimit: Int, bridgeArguments: [String] = [])
    throws -> (simulator: SimulatorProcess, bridge: RPCProcess, key: String)
{
    let key = "dv_test_\(UUID().uuidString.prefix(8))"
    let simulator = try SimulatorProcess(speed: speed, extraArguments: [
        "--rate-limit", "\(rateLimit)", "--api-key", key, "--team", "acme", "--log-level", "debug",
    ])
    do {
        let bridge = try RPCProcess(arguments: ["rpc", "--rate-limit", "\(rateLimit)", "--poll-scale", "0.05"]
                                        + bridgeArguments,
                                    environment: RPCProcess.cleanEnvironment(adding: [
                                        "DUVO_BASE_URL": simulator.baseURL, "DUVO_API_KEY": key,
                                        "DUVO_TEAM_ID": "acme",
                                    ]))
        return (simulator, bridge, key)
    } catch {
        simulator.stop()
        throw error
    }
}

/// Collects a subscription's notifications until its `runs/followEnded`, in arrival order.
func collectFollow(_ bridge: some RPCPeer, subscription: String, timeout: Double = 60) async throws -> [JSONValue] {
    var events: [JSONValue] = []
    while true {
        let frame = try await bridge.frame(timeout: timeout) { frame in
            frame["id"] == nil && frame["params"]?["subscription"]?.stringValue == subscription
        }
        events.append(frame)
        if frame["method"]?.stringValue == "runs/followEnded" { return events }
    }
}

/// Polls `runs/get` until the run's status satisfies `done`.
func waitForStatus(_ bridge: some RPCPeer, runID: String, timeout: Double = 30,
                   _ done: (String) -> Bool) async throws -> JSONValue {
    let result = try await bridge.call("runs/wait", ["run_id": .string(runID), "until": "attention",
                                                     "timeout_s": .double(timeout)], timeout: timeout + 10)
    if let status = result["run"]?["status"]?.stringValue, done(status) { return result }
    throw TimedOut(what: "a status on run \(runID), last \(result)", stderr: bridge.diagnostics)
}

extension JSONValue {
    /// The run id of a `{run: {...}}` result.
    var runID: String { self["run"]?["id"]?.stringValue ?? "" }
}
