import DuvoAPI
import Foundation
import JSONRPC

/// The opaque `cursor` of `duvo_list_messages`: where the next answer starts, bound to the run it belongs to.
///
/// It is the text `m1:<offset>:<run id>` in URL-safe base64, so a model passes it back unchanged rather than doing
/// arithmetic on it, and a cursor of another run is refused instead of silently reading the wrong messages.
enum MessageCursor {
    /// The cursor for reading `runID` from `offset` on.
    static func encode(runID: String, offset: Int) -> String {
        Base64URL.encode(Array("m1:\(offset):\(runID.lowercased())".utf8))
    }

    /// The offset `cursor` continues from.
    /// - Throws: ``RPCError`` -32602 naming `cursor` when it was not made by this server for `runID`.
    static func offset(of cursor: String, runID: String) throws(RPCError) -> Int {
        let parts = Base64URL.decode(cursor).map { String(decoding: $0, as: UTF8.self) }?
            .split(separator: ":", maxSplits: 2).map(String.init) ?? []
        guard parts.count == 3, parts[0] == "m1", let offset = Int(parts[1]), (0...Int.largestCount).contains(offset)
        else {
            throw RPCError.invalidParams("'cursor' is not a cursor of duvo_list_messages; pass next_cursor from an "
                + "earlier answer unchanged", field: "cursor")
        }
        guard parts[2] == runID.lowercased() else {
            throw RPCError.invalidParams("'cursor' belongs to run \(parts[2]), not \(runID)", field: "cursor")
        }
        return offset
    }
}
