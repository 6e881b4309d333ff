/// A JSON document of any shape, kept whole so that what an upstream sends can be passed on unchanged.
///
/// Numbers keep their literal text (see ``JSONNumber``), so an id such as `9007199254740993` or `1e400`
/// survives a round trip byte for byte. Objects are unordered; the writer can sort keys for stable output.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}
