/// Params of a bridge method: decoded from the request, with the list of field names it accepts, so a mistyped
/// field (`runId` for `run_id`, `timeout` for `timeout_s`) is reported instead of silently ignored.
protocol BridgeParams: Decodable, Sendable {
    associatedtype CodingKeys: CodingKey & CaseIterable & RawRepresentable<String>
}

extension BridgeParams {
    /// The wire names of every field.
    // A closure, not `\.rawValue`: a key path used as a function is built at run time on every call.
    static var fieldNames: [String] { CodingKeys.allCases.map { $0.rawValue } }
}

/// Params of a method that takes none.
struct NoParams: BridgeParams {
    enum CodingKeys: String, CodingKey, CaseIterable { case none = "" }

    init() {}
    init(from decoder: any Decoder) throws {}
}
