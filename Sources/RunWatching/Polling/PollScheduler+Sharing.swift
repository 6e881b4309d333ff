import DuvoAPI
import Foundation
import JSONCore
import KeyCoordination

/// Team-wide sweeps shared across processes: one holds the lease and sweeps, every other takes in what it published.
/// For the core this is only events: `leadership` says whether it may sweep, `published` hands it listings.
extension PollScheduler {
    /// How long a lease lasts unless renewed: a leader that dies is replaced within this (at once, for the runtime
    /// directory's lease, whose holder's pid is checked).
    static let leaseLifetime = 5.0

    /// The pause between two rounds of the sharing loop: a quarter of a sweep interval, at most half a second.
    private var sharingInterval: Double {
        min(0.5, max(0.02, tuning.sweepInterval * tuning.scale / 4))
    }

    func ensureSharing() {
        guard var shared, shared.loop == nil, !core.isIdle else { return }
        shared.loop = Task { [weak self] in
            while let self, await self.shareOnce() {}
        }
        self.shared = shared
    }

    /// One round: while sweeps are wanted, hold or seek the lease and, when another process holds it, take in what
    /// it published; when they are not, hand the lease on. Returns false when the loop should stop.
    private func shareOnce() async -> Bool {
        guard let coordinator = shared?.coordinator, !core.isShutDown else { return false }
        if core.isIdle {
            await resign()
            shared?.loop = nil
            return false
        }
        if core.wantsSweeps {
            var leads = false
            do {
                leads = try await coordinator.acquireOrRenew(lifetime: Self.leaseLifetime)
            } catch {
                logger.debug("sweep lease: \(error)")
            }
            if leads != shared?.leads {
                logger.debug(leads ? "this process now sweeps for the others" : "another process sweeps")
                // A new leader first reads the latest publication, so its own continue from there.
                if leads { await readPublished(from: coordinator) }
                shared?.leads = leads
                handle(.leadership(leads))
            }
            if !leads { await readPublished(from: coordinator) }
        } else {
            await resign()
            // Too few runs to sweep for: still, what another process sweeps anyway watches them for free.
            await readPublished(from: coordinator, freshWithin: Self.leaseLifetime)
            // And when other processes spend the key too, one sweep for all of them costs less than each polling
            // its own runs: seek the lease from this first run (at start-up nobody has three runs yet, and twenty
            // processes polling one or two runs each can spend the minute's allowance in seconds).
            if !core.wantsSweeps, !core.isIdle, await transport.othersUseKey() {
                logger.debug("other processes use this key: sweeps are shared from the first followed run")
                handle(.othersOnKey)
            }
        }
        do {
            try await clock.sleep(seconds: sharingInterval)
        } catch {
            return false
        }
        return !Task.isCancelled
    }

    /// Gives the lease up, if held.
    private func resign() async {
        guard let coordinator = shared?.coordinator, shared?.leads == true else { return }
        shared?.leads = false
        handle(.leadership(false))
        do {
            try await coordinator.release()
        } catch {
            logger.debug("sweep lease: \(error)")
        }
    }

    /// Reads the latest publication and hands the listings not yet taken in to the core.
    /// With `freshWithin`, only a publication made that many seconds ago or less (a leader is at work).
    private func readPublished(from coordinator: any SweepCoordinator, freshWithin: Double? = nil) async {
        let snapshot: SweepSnapshot?
        do {
            snapshot = try await coordinator.latest()
        } catch {
            logger.debug("sweep results: \(error)")
            return
        }
        guard let snapshot, snapshot.sequence > (shared?.lastSequence ?? Int.min) else { return }
        if let freshWithin, Date().timeIntervalSince1970 - snapshot.takenAt > freshWithin { return }
        let entries = snapshot.payload["sweeps"]?.arrayValue ?? []
        let last = shared?.lastSequence
        let fresh = entries.filter { ($0["sequence"]?.intValue ?? Int.min) > (last ?? Int.min) }
            .sorted { ($0["sequence"]?.intValue ?? 0) < ($1["sequence"]?.intValue ?? 0) }
        if let last, let first = fresh.first?["sequence"]?.intValue, first > last + 1 {
            handle(.listingsMissed)
        }
        shared?.lastSequence = snapshot.sequence
        shared?.window = entries
        var runs: [Run] = []
        for listed in fresh.flatMap({ $0["runs"]?.arrayValue ?? [] }) {
            do {
                runs.append(try Run(decoding: listed, operation: "read shared sweep"))
            } catch {
                logger.debug("sweep results: \(error.message)")
            }
        }
        handle(.published(runs: runs, highWater: snapshot.payload["high_water"]?.doubleValue))
    }

    /// Publishes this process's sweep for the others, when it leads.
    func publish(_ runs: [Run], highWater: Double?) {
        guard var shared, shared.leads else { return }
        let sequence = (shared.lastSequence ?? 0) + 1
        shared.lastSequence = sequence
        shared.window = Array((shared.window + [["sequence": .int(sequence), "runs": .array(runs.map(\.json))]])
            .suffix(SharedSweeps.windowSize))
        let payload: JSONValue = ["high_water": highWater.map(JSONValue.double) ?? .null,
                                  "sweeps": .array(shared.window)]
        let snapshot = SweepSnapshot(sequence: sequence, takenAt: Date().timeIntervalSince1970,
                                     leader: shared.participant, payload: payload)
        let previous = shared.publishing
        let coordinator = shared.coordinator
        let logger = logger
        shared.publishing = Task {
            await previous?.value
            do {
                try await coordinator.publish(snapshot)
            } catch {
                logger.debug("sweep results: \(error)")
            }
        }
        self.shared = shared
    }

    /// Stops the sharing loop and hands the lease on (at shutdown).
    func stopSharing() async {
        shared?.loop?.cancel()
        shared?.loop = nil
        await shared?.publishing?.value
        await resign()
    }
}
