/// Which faults to inject and how often, parsed from `--faults`.
///
/// Syntax: comma-separated `kind=probability`, kinds `5xx`, `429`, `latency` (with `:DURATION`, e.g. `0.1:300ms`
/// or `0.1:2s`) and `drop`; or `default`, which is `5xx=0.05,429=0.02,latency=0.1:300ms,drop=0.01`.
public struct FaultSpec: Sendable, Hashable {
    /// Fraction of requests answered 500, 502 or 503 instead of being processed.
    public var serverErrorRate: Double = 0
    /// Fraction of requests that start a 429 storm (that request and the next few are refused).
    public var rateLimitStormRate: Double = 0
    /// Fraction of requests answered late.
    public var latencyRate: Double = 0
    /// The added delay, in milliseconds.
    public var latencyMilliseconds: Int = 300
    /// Fraction of requests processed and then left unanswered (the connection is closed).
    public var dropRate: Double = 0

    /// No faults.
    public init() {}

    /// The `default` set.
    public static let standard: FaultSpec = {
        var spec = FaultSpec()
        spec.serverErrorRate = 0.05
        spec.rateLimitStormRate = 0.02
        spec.latencyRate = 0.1
        spec.latencyMilliseconds = 300
        spec.dropRate = 0.01
        return spec
    }()

    /// Whether any fault can happen.
    public var isEnabled: Bool {
        serverErrorRate > 0 || rateLimitStormRate > 0 || latencyRate > 0 || dropRate > 0
    }

    /// Parses the `--faults` syntax.
    /// - Throws: ``FaultSpecError`` naming the part that is wrong.
    public init(parsing text: String) throws(FaultSpecError) {
        if text.trimming(" ") == "default" {
            self = .standard
            return
        }
        for part in try FaultSpecPart.split(text, option: "--faults") {
            switch part.kind {
            case "5xx": serverErrorRate = try part.probability()
            case "429": rateLimitStormRate = try part.probability()
            case "latency":
                latencyRate = try part.probability()
                latencyMilliseconds = try part.milliseconds(or: latencyMilliseconds)
            case "drop": dropRate = try part.probability()
            default: throw part.error("unknown kind; use 5xx, 429, latency or drop")
            }
            if part.kind != "latency" { try part.noDuration() }
        }
        guard serverErrorRate + rateLimitStormRate <= 1 else {
            throw FaultSpecError(option: "--faults", part: text, reason: "5xx and 429 together cannot exceed 1")
        }
    }
}

/// A `--faults` or `--webhook-faults` value that cannot be read; says which option, which part and what is expected.
public struct FaultSpecError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The option whose value it is, e.g. `--faults`.
    public let option: String
    /// The offending part of the spec.
    public let part: String
    /// What is wrong with it.
    public let reason: String

    public var description: String { "\(option) '\(part)': \(reason)" }
}
