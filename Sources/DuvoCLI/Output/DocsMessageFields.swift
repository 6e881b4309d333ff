import DuvoAPI
import JSONCore

/// Adds the names Duvo's CLI docs use beside the wire names of a message, so the docs' scripts work as written.
///
/// The docs read `.content` (the wire says `text_content`) and `.status` on human-request messages (the wire has
/// none). Every message gets `content` (see ``MessageContent``); a `human_request` message gets `status`: `pending`
/// when it is the run's `pending_human_request`, else `responded`. Wire fields are never changed or removed, and a
/// field the wire already has is left alone.
enum DocsMessageFields {
    /// `message` as JSON with `content` and, for a human request, `status` added.
    static func adding(to message: Message, pendingRequestID: String?) -> JSONValue {
        var added: [String: JSONValue] = ["content": .string(MessageContent.text(of: message))]
        if message.isHumanRequest {
            let pending = pendingRequestID.map { $0.lowercased() == message.id?.lowercased() }
            added["status"] = pending == true ? "pending" : "responded"
        }
        return message.json(adding: added)
    }

    /// A messages page (`{messages, total, limit, offset}`) with every message given the docs' names.
    static func addingToPage(_ page: MessagePage, pendingRequestID: String?) -> JSONValue {
        guard case .object(var members) = page.json else { return page.json }
        members[Message.pageKey] = .array(page.messages.map { adding(to: $0, pendingRequestID: pendingRequestID) })
        return .object(members)
    }
}
