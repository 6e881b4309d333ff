import Diagnostics
import DuvoHTTP
import Foundation
import Time

/// What one process uses to share a key with the others: the budget's store and, per team, the sweep coordinator.
///
/// Made once at start-up from ``CoordinationMode``. Names in the runtime directory and in Redis are keyed hashes of
/// the API key and base URL (and team, for sweeps), so nothing shared reveals the key.
public struct Coordination: Sendable {
    /// The mode this was made for.
    package let mode: CoordinationMode
    /// The shared budget's store; nil when every process keeps its own (``CoordinationMode/off``).
    package let budgetStore: (any BudgetStore)?
    /// This process's random id in shared ledgers, leases and snapshots.
    package let participant: String
    private let directory: RuntimeDirectory?
    private let redis: RESPClient?
    private let gate: FailoverGate?
    /// Says when the runtime directory's sweep lease cannot be used (its own gate: the budget's file may fail while
    /// the lease works, and one gate for both would say so over and over).
    private let directoryGate: FailoverGate?
    private let keyName: String
    private let clock: any TimeSource

    /// Per-process behaviour: no shared store, no sweep coordination.
    public static let off = Coordination(mode: .off, budgetStore: nil, participant: ParticipantID.make(),
                                         directory: nil, redis: nil, gate: nil, directoryGate: nil, keyName: "",
                                         clock: SystemTimeSource())

    private init(mode: CoordinationMode, budgetStore: (any BudgetStore)?, participant: String,
                 directory: RuntimeDirectory?, redis: RESPClient?, gate: FailoverGate?, directoryGate: FailoverGate?,
                 keyName: String, clock: any TimeSource) {
        self.mode = mode
        self.budgetStore = budgetStore
        self.participant = participant
        self.directory = directory
        self.redis = redis
        self.gate = gate
        self.directoryGate = directoryGate
        self.keyName = keyName
        self.clock = clock
    }

    /// Sets up coordination for `secret` (the API key) at `baseURL`.
    /// - Parameters:
    ///   - environment: for the runtime directory's location (`DUVO_RUNTIME_DIR`, `XDG_RUNTIME_DIR`).
    ///   - tls: the CAs a `rediss://` server's certificate must chain to (as for https).
    ///   - logger: where the one warning of a Redis outage goes; the Redis password is redacted from it.
    ///   - clock: the process's one clock (the system's, but for tests): leases' terms, the ledger's times, back-offs.
    /// - Throws: ``RuntimeDirectoryError`` when the runtime directory is missing and cannot be made, or is not
    ///   this user's alone: sharing a key through another user's directory would let them spend or starve it.
    package static func make(mode: CoordinationMode, secret: String, baseURL: String,
                            environment: [String: String], tls: TLSConfiguration = .system, logger: Logger,
                            clock: any TimeSource = SystemTimeSource())
        throws(RuntimeDirectoryError)
        -> Coordination
    {
        guard mode != .off else { return .off }
        let directory = try RuntimeDirectory.current(environment: environment)
        directory.prune(olderThan: 3600)
        let keyName = RuntimeDirectory.keyedName(secret, baseURL)
        let participant = ParticipantID.make()
        let file = FileBudgetStore(directory: directory, name: keyName, clock: clock)
        let local = FailoverBudgetStore(primary: file, fallback: LocalBudgetStore(clock: clock),
                                        gate: FailoverGate(logger: logger, clock: clock))
        let directoryGate = FailoverGate(logger: logger, clock: clock)
        guard case .redis(let endpoint) = mode else {
            return Coordination(mode: mode, budgetStore: local, participant: participant, directory: directory,
                                redis: nil, gate: nil, directoryGate: directoryGate, keyName: keyName, clock: clock)
        }
        for secret in [endpoint.password, endpoint.percentEncodedPassword].compactMap({ $0 }) where !secret.isEmpty {
            logger.redact(secret)
        }
        let client = RESPClient(endpoint: endpoint, tls: tls)
        let gate = FailoverGate(logger: logger, clock: clock)
        let store = FailoverBudgetStore(primary: RedisBudgetStore(client: client, name: keyName), fallback: local,
                                        gate: gate)
        return Coordination(mode: mode, budgetStore: store, participant: participant, directory: directory,
                            redis: client, gate: gate, directoryGate: directoryGate, keyName: keyName, clock: clock)
    }

    /// The sweep coordinator for `team`; nil when coordination is off (every process sweeps for itself).
    package func sweeps(team: String) -> (any SweepCoordinator)? {
        guard let directory, let directoryGate else { return nil }
        let name = RuntimeDirectory.keyedName(keyName, team)
        let file = FailoverSweepCoordinator(
            primary: FileSweepCoordinator(directory: directory, name: name, participant: participant, clock: clock),
            fallback: SoloSweepCoordinator(), gate: directoryGate)
        guard let redis, let gate else { return file }
        return FailoverSweepCoordinator(
            primary: RedisSweepCoordinator(client: redis, name: name, participant: participant), fallback: file,
            gate: gate)
    }
}
