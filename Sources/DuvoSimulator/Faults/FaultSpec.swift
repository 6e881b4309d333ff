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
        for part in text.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimming(" ") }
            guard pair.count == 2 else { throw FaultSpecError(part: String(part), reason: "expected kind=probability") }
            var valueText = Substring(pair[1])
            if pair[0] == "latency", let colon = valueText.firstIndex(of: ":") {
                latencyMilliseconds = try Self.duration(
                    String(valueText[valueText.index(after: colon)...]), part: String(part))
                valueText = valueText[..<colon]
            }
            guard let rate = Double(valueText), rate >= 0, rate <= 1 else {
                throw FaultSpecError(part: String(part), reason: "the probability must be a number from 0 to 1")
            }
            switch pair[0] {
            case "5xx": serverErrorRate = rate
            case "429": rateLimitStormRate = rate
            case "latency": latencyRate = rate
            case "drop": dropRate = rate
            default: throw FaultSpecError(part: String(part), reason: "unknown kind; use 5xx, 429, latency or drop")
            }
        }
        guard serverErrorRate + rateLimitStormRate <= 1 else {
            throw FaultSpecError(part: text, reason: "5xx and 429 together cannot exceed 1")
        }
    }

    private static func duration(_ text: String, part: String) throws(FaultSpecError) -> Int {
        let (digits, scale): (Substring, Double) =
            text.hasSuffix("ms")
            ? (text.dropLast(2), 1) : text.hasSuffix("s") ? (text.dropLast(1), 1000) : (Substring(text), 1)
        guard let value = Double(digits), value >= 0, value <= 60_000 / scale else {
            throw FaultSpecError(part: part, reason: "latency needs a duration such as 300ms or 2s (at most 60s)")
        }
        return Int(value * scale)
    }
}

/// A `--faults` value that cannot be read; says which part and what is expected.
public struct FaultSpecError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The offending part of the spec.
    public let part: String
    /// What is wrong with it.
    public let reason: String

    public var description: String { "--faults '\(part)': \(reason)" }
}
