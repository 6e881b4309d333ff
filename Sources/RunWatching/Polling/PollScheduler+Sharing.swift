import DuvoAPI
import JSONCore
import KeyCoordination

/// Team-wide sweeps shared across processes: the core decides (see ``SweepSharing``); the scheduler only carries out
/// its ``SharingRequest``s through the sweep coordinator, one after the other, and feeds their outcomes back.
extension PollScheduler {
    /// Sweeps shared with the other processes on the key and team.
    struct Sharing {
        let coordinator: any SweepCoordinator
        /// This process's id in published snapshots.
        let participant: String
        /// The latest request under way: each waits for the one before, so that publications land in order and the
        /// lease is handed on after the last of them.
        var latest: Task<Void, Never>?
    }

    /// Carries out `request` after the requests before it, and feeds its outcome back to the core.
    func share(_ request: SharingRequest) {
        guard var sharing else { return }
        let previous = sharing.latest
        let (coordinator, participant, transport, clock, logger) =
            (sharing.coordinator, sharing.participant, transport, clock, logger)
        sharing.latest = Task { [weak self] in
            await previous?.value
            let event: PollEvent?
            do throws(CoordinationError) {
                switch request {
                case .acquireOrRenewLease(let lifetime):
                    event = .leaseAnswered(leads: try await coordinator.acquireOrRenew(lifetime: lifetime))
                case .releaseLease:
                    try await coordinator.release()
                    event = nil
                case .readPublications:
                    let snapshot = try await coordinator.latest()
                    event = .publicationsRead(snapshot, wallNow: clock.wallNow())
                case .publish(let sequence, let payload):
                    try await coordinator.publish(SweepSnapshot(sequence: sequence, takenAt: clock.wallNow(),
                                                                leader: participant, payload: payload))
                    event = nil
                case .askWhetherOthersUseKey:
                    event = .othersOnKey(await transport.othersUseKey())
                }
            } catch {
                switch request {
                case .releaseLease, .publish:
                    logger.debug("sweep coordination: \(error)")
                    event = nil
                case .acquireOrRenewLease, .readPublications, .askWhetherOthersUseKey:
                    event = .sharingFailed(error)
                }
            }
            if let event { await self?.handle(event) }
        }
        self.sharing = sharing
    }

    /// Waits for the requests under way (at shutdown, after the core asked to hand the lease on).
    func finishSharing() async {
        await sharing?.latest?.value
    }
}
