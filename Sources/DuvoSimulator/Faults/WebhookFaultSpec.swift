/// Which webhook deliveries go wrong and how, parsed from `--webhook-faults`: a faulty network between the
/// simulator and the receiver.
///
/// Syntax: comma-separated `kind=probability`, kinds `drop`, `duplicate`, `delay` (with `:DURATION`, default 1s) and
/// `reorder` (with `:HOLD`, default 2s), plus `seed=N`; e.g. `drop=0.2,duplicate=0.1,reorder=0.1,delay=0.1:2s,seed=7`.
public struct WebhookFaultSpec: Sendable, Hashable {
    /// Fraction of events never sent (no attempt, no retry: the network lost them).
    public var dropRate: Double = 0
    /// Fraction of events delivered twice.
    public var duplicateRate: Double = 0
    /// Fraction of events sent late; the run's later events wait behind them.
    public var delayRate: Double = 0
    /// How late, in milliseconds.
    public var delayMilliseconds = 1000
    /// Fraction of events held back until the run's next event has been sent (a later event overtakes them).
    public var reorderRate: Double = 0
    /// How long, in milliseconds, a held event waits for a later one before it is sent anyway.
    public var reorderHoldMilliseconds = 2000
    /// Seed of the fault sequence; nil uses the simulator's `--seed` (or its logged random one).
    public var seed: UInt64?

    /// No faults.
    public init() {}

    /// Whether any delivery can go wrong.
    public var isEnabled: Bool {
        dropRate > 0 || duplicateRate > 0 || delayRate > 0 || reorderRate > 0
    }

    /// Parses the `--webhook-faults` syntax.
    /// - Throws: ``FaultSpecError`` naming the part that is wrong.
    public init(parsing text: String) throws(FaultSpecError) {
        for part in try FaultSpecPart.split(text, option: "--webhook-faults") {
            switch part.kind {
            case "drop": dropRate = try part.probability()
            case "duplicate": duplicateRate = try part.probability()
            case "delay":
                delayRate = try part.probability()
                delayMilliseconds = try part.milliseconds(or: delayMilliseconds)
            case "reorder":
                reorderRate = try part.probability()
                reorderHoldMilliseconds = try part.milliseconds(or: reorderHoldMilliseconds)
            case "seed":
                guard let value = UInt64(part.value) else { throw part.error("the seed must be a whole number") }
                seed = value
            default: throw part.error("unknown kind; use drop, duplicate, delay, reorder or seed")
            }
            if !["delay", "reorder"].contains(part.kind) { try part.noDuration() }
        }
    }
}
