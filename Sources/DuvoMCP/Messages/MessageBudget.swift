import DuvoAPI
import JSONCore

/// Keeps a page of messages small enough for a model's context: long texts are shortened and messages past a
/// character budget are left for the next page (clients reject, or models choke on, huge tool results).
struct MessageBudget: Sendable {
    /// About how many characters of JSON the kept messages may hold together.
    let maxCharacters: Int
    /// The longest a single string inside a message may be.
    let maxTextCharacters: Int

    /// The leading messages that fit, shortened, and whether anything was cut (a text shortened or a message left
    /// out). At least one message is kept, so a reader always makes progress.
    func fit(_ messages: [Message]) -> (messages: [Message], truncated: Bool) {
        var kept: [Message] = []
        var used = 0
        var truncated = false
        for message in messages {
            var cut = false
            let short = shorten(message, cut: &cut)
            let size = JSONWriter().bytes(short.json).count
            if !kept.isEmpty, used + size > maxCharacters {
                return (kept, true)
            }
            kept.append(short)
            used += size
            truncated = truncated || cut
        }
        return (kept, truncated)
    }

    /// `message` with every string longer than the cap cut, its typed fields and what Duvo sent beside them.
    func shorten(_ message: Message, cut: inout Bool) -> Message {
        var short = message
        let fields: [WritableKeyPath<Message, String?>] = [\.id, \.type, \.role, \.timestamp, \.textContent, \.content]
        for field in fields {
            guard let text = short[keyPath: field], text.count > maxTextCharacters else { continue }
            cut = true
            short[keyPath: field] = Self.clip(text, to: maxTextCharacters)
        }
        short.extra = short.extra.mapValues { shorten($0, cut: &cut) }
        return short
    }

    /// `value` with every string longer than the cap cut, saying how much was left out.
    func shorten(_ value: JSONValue, cut: inout Bool) -> JSONValue {
        switch value {
        case .string(let text) where text.count > maxTextCharacters:
            cut = true
            return .string(Self.clip(text, to: maxTextCharacters))
        case .array(let items):
            return .array(items.map { shorten($0, cut: &cut) })
        case .object(let members):
            return .object(members.mapValues { shorten($0, cut: &cut) })
        default:
            return value
        }
    }

    /// `text` cut to `limit` characters, ending with how many were left out.
    static func clip(_ text: String, to limit: Int) -> String {
        guard text.count > limit else { return text }
        return String(text.prefix(limit)) + "... [\(text.count - limit) more characters]"
    }
}
