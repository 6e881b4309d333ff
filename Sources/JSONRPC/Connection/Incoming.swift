import JSONCore

/// What the reader hands the connection for each frame event: JSON already parsed, off the actor.
enum Incoming: Sendable {
    case value(JSONValue, bytes: Int)
    case unparsable(JSONParseError, bytes: Int)
    case oversized(bytes: Int)
    case malformedHeader(String)
    case truncated(bytes: Int)

    init(_ event: FrameEvent, parser: JSONParser) {
        switch event {
        case .frame(let bytes):
            do {
                self = .value(try parser.parse(bytes), bytes: bytes.count)
            } catch {
                self = .unparsable(error, bytes: bytes.count)
            }
        case .oversized(let bytes): self = .oversized(bytes: bytes)
        case .malformedHeader(let reason): self = .malformedHeader(reason)
        case .truncated(let bytes): self = .truncated(bytes: bytes)
        }
    }
}
