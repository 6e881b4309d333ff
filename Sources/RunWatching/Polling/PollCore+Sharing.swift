import DuvoAPI
import JSONCore
import KeyCoordination

/// Team-wide sweeps shared across processes, as events and effects of the core (see ``SweepSharing``): the lease
/// sought, held, renewed, handed on or lost; publications made and taken in.
extension PollCore {
    /// The pause between two rounds: a quarter of a sweep interval, at most half a second; while a run waits for a
    /// listing after an event, ``PollTuning/hintPublicationPoll``.
    var sharingInterval: Double {
        let usual = min(0.5, max(0.02, tuning.sweepInterval * tuning.scale / 4))
        return awaitsPublishedListing ? min(usual, tuning.hintPublicationPoll * tuning.scale) : usual
    }

    /// Whether this process holds the lease now (leading, or taking over).
    var holdsLease: Bool { sharing?.role.leaseExpiry != nil }

    /// Starts the round that is due, and hands the lease on when nothing is watched.
    mutating func driveSharing(now: Double, effects: inout [PollEffect]) {
        guard var sharing else { return }
        defer { self.sharing = sharing }
        if isIdle {
            if sharing.role.leaseExpiry != nil {
                effects.append(.share(.releaseLease))
                effects.append(.log(.debug, "nothing is followed: the sweep lease is handed on"))
            }
            sharing.role = .standingBy
            if case .due = sharing.round { sharing.round = .due(at: now) }
            return
        }
        guard case .due(let at) = sharing.round, at <= now else { return }
        if wantsSweeps {
            sharing.round = .askingLease(since: now)
            effects.append(.share(.acquireOrRenewLease(lifetime: SweepSharing.leaseLifetime)))
            return
        }
        if sharing.role.leaseExpiry != nil {
            effects.append(.share(.releaseLease))
            effects.append(.log(.debug, "too few runs for sweeps: the sweep lease is handed on"))
        }
        // Too few runs to sweep for: still, what another process sweeps anyway watches them for free.
        sharing.role = .standingBy
        sharing.round = .readingPublications
        effects.append(.share(.readPublications))
    }

    /// Gives up a lease whose term ran out before its renewal came back (another process may hold it by now), before
    /// anything else happens at `now`.
    mutating func expireLease(now: Double, effects: inout [PollEffect]) {
        guard let expiry = sharing?.role.leaseExpiry, now >= expiry else { return }
        effects.append(.log(.debug, "the sweep lease ran out before it was renewed; another process may sweep"))
        sharing?.role = .following
    }

    /// Takes in the answer to ``SharingRequest/acquireOrRenewLease(lifetime:)``.
    mutating func takeLease(_ leads: Bool, now: Double, effects: inout [PollEffect]) {
        guard var sharing else { return }
        defer { self.sharing = sharing }
        guard case .askingLease(let since) = sharing.round else {
            if leads { effects.append(.share(.releaseLease)) }  // an answer nobody waits for
            return
        }
        guard !isIdle else {
            // The process stopped following meanwhile: a lease this brought is handed on at once.
            if leads { effects.append(.share(.releaseLease)) }
            sharing.round = .due(at: now)
            return
        }
        // The term runs from the moment the lease was asked for: the store counted it from about then.
        let expires = since + SweepSharing.leaseLifetime
        switch (leads, sharing.role) {
        case (true, .leading):
            sharing.role = .leading(expires: expires)
            sharing.round = .due(at: now + sharingInterval)
        case (true, _):
            effects.append(.log(.debug, "this process now sweeps for the others"))
            // A new leader first reads the latest publication, so that its own continue from there.
            sharing.role = .takingOver(expires: expires)
            sharing.round = .readingPublications
            effects.append(.share(.readPublications))
        case (false, _):
            if sharing.role.leaseExpiry != nil { effects.append(.log(.debug, "another process sweeps")) }
            sharing.role = .following
            sharing.round = .readingPublications
            effects.append(.share(.readPublications))
        }
    }

    /// Takes in the latest publication: the listings not yet taken in, as a sweep of this process's own.
    /// Standing by (too few runs for sweeps), only a publication made within a lease's lifetime (a leader is at work);
    /// otherwise one made within the listing memory: an older one was left by a leader gone since, and what it lists
    /// would stand for the current state of runs that have changed since.
    mutating func takePublications(_ snapshot: SweepSnapshot?, wallNow: Double, now: Double,
                                   effects: inout [PollEffect]) {
        guard var sharing else { return }
        if let snapshot, !SweepSharing.sequences.contains(snapshot.sequence) {
            // Another process's publication (another version, a damaged file, a hostile Redis): numbering on from
            // it could overflow, so it is not taken in.
            effects.append(.log(.debug, "sweep coordination: a publication numbered \(snapshot.sequence) is ignored"))
        } else if let snapshot, snapshot.sequence > (sharing.lastSequence ?? Int.min),
           wallNow - snapshot.takenAt <= (sharing.role == .standingBy ? SweepSharing.leaseLifetime
                                                                      : tuning.listingMemory) {
            let entries = snapshot.payload["sweeps"]?.arrayValue ?? []
            let last = sharing.lastSequence
            let fresh = entries.filter { ($0["sequence"]?.intValue ?? Int.min) > (last ?? Int.min) }
                .sorted { ($0["sequence"]?.intValue ?? 0) < ($1["sequence"]?.intValue ?? 0) }
            sharing.lastSequence = snapshot.sequence
            sharing.window = entries
            self.sharing = sharing
            if let last, let first = fresh.first?["sequence"]?.intValue, first > last + 1 {
                catchUp(now: now, effects: &effects)
            }
            takePublished(Self.runs(listedIn: fresh, effects: &effects),
                          highWater: snapshot.payload["high_water"]?.doubleValue, now: now, effects: &effects)
        }
        finishReading(now: now, effects: &effects)
    }

    /// The runs the publications `entries` listed, decoded as Duvo's runs are; one that cannot be is skipped (and
    /// logged): its run is read on its own instead.
    private static func runs(listedIn entries: [JSONValue], effects: inout [PollEffect]) -> [Run] {
        var runs: [Run] = []
        for listed in entries.flatMap({ $0["runs"]?.arrayValue ?? [] }) {
            do {
                runs.append(try Run(decoding: listed, operation: "read shared sweep"))
            } catch {
                effects.append(.log(.debug, "sweep results: \(error.message)"))
            }
        }
        return runs
    }

    /// The publications were read (or could not be): a new leader starts leading; a process standing by asks
    /// whether others spend the key; the round is over.
    private mutating func finishReading(now: Double, effects: inout [PollEffect]) {
        guard var sharing, sharing.round == .readingPublications else { return }
        defer { self.sharing = sharing }
        if case .takingOver(let expires) = sharing.role { sharing.role = .leading(expires: expires) }
        if sharing.role == .standingBy, !isIdle, !wantsSweeps {
            sharing.round = .askingOthers
            effects.append(.share(.askWhetherOthersUseKey))
        } else {
            sharing.round = .due(at: now + sharingInterval)
        }
    }

    /// Takes in whether other processes spend the key: when they do, one sweep for all of them costs less than each
    /// polling its own runs, so sweeps start from this first run (at start-up nobody has three runs yet, and twenty
    /// processes polling one or two runs each can spend the minute's allowance in seconds).
    mutating func takeKeyUse(othersOnKey: Bool, now: Double, effects: inout [PollEffect]) {
        let next = now + sharingInterval
        if sharing?.round == .askingOthers { sharing?.round = .due(at: next) }
        guard othersOnKey, stickySweeps, canListRuns, !isIdle, !wantsSweeps else { return }
        effects.append(.log(.debug, "other processes use this key: sweeps are shared from the first followed run"))
        sweep.engaged = true
    }

    /// The lease or the publications could not be read: without an answer the lease counts as not held, and the
    /// round goes on as if nothing had been published.
    mutating func sharingFailed(_ error: CoordinationError, now: Double, effects: inout [PollEffect]) {
        switch sharing?.round {
        case .askingLease?:
            effects.append(.log(.debug, "sweep lease: \(error)"))
            takeLease(false, now: now, effects: &effects)
        case .readingPublications?:
            effects.append(.log(.debug, "sweep results: \(error)"))
            finishReading(now: now, effects: &effects)
        case .due?, .askingOthers?, nil:
            effects.append(.log(.debug, "sweep coordination: \(error)"))
        }
    }

    /// Publishes what this process's sweep listed, when it leads: the latest sweeps, oldest first, and the newest
    /// `updated_at` sweeps had seen.
    mutating func publish(_ runs: [Run], effects: inout [PollEffect]) {
        guard var sharing, sharing.leads else { return }
        let sequence = (sharing.lastSequence ?? 0) + 1
        sharing.lastSequence = sequence
        sharing.window = Array((sharing.window + [["sequence": .int(sequence), "runs": .array(runs.map(\.json))]])
            .suffix(SweepSharing.windowSize))
        self.sharing = sharing
        let payload: JSONValue = ["high_water": sweep.highWater.map(JSONValue.double) ?? .null,
                                  "sweeps": .array(sharing.window)]
        effects.append(.share(.publish(sequence: sequence, payload: payload)))
    }
}

extension SweepSharing {
    /// When the core must next look at sharing: the next round, or the end of the lease's term.
    var nextWake: Double? {
        var wake = role.leaseExpiry
        if case .due(let at) = round { wake = min(wake ?? at, at) }
        return wake
    }
}
