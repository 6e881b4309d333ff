import Digest
import JSONCore

/// The `requestState` of an `input_required` answer: which run and human request a person is asked about, bound to
/// the tool call that asked, with an expiry, signed so that a client can hand it back but not change it.
///
/// On the wire it is `<payload>.<mac>`: the payload is URL-safe base64 of a small JSON object, the MAC is the hex
/// HMAC-SHA256 of the payload text under ``StateSigner``'s key. The call is bound by a SHA-256 of the tool's name
/// and canonical arguments, so a state handed to another call (another run, other arguments) is refused.
struct RequestState: Sendable, Equatable {
    /// The run the person is asked about.
    let runID: String
    /// The human request the asked form answers.
    let requestID: String
    /// The `inputRequests` key the answer comes back under.
    let inputKey: String
    /// SHA-256 (hex) of the tool name and its canonical arguments.
    let callDigest: String
    /// Seconds since 1970 after which the state is refused.
    let expires: Int

    /// The digest binding a state to one call: the tool and its arguments, keys sorted.
    static func digest(tool: String, arguments: [String: JSONValue]) -> String {
        let canonical = JSONWriter(sortedKeys: true).string(["tool": .string(tool), "arguments": .object(arguments)])
        return Hex.encode(SHA256.hash(Array(canonical.utf8)))
    }

    var payload: JSONValue {
        ["v": 1, "run": .string(runID), "req": .string(requestID), "key": .string(inputKey),
         "call": .string(callDigest), "exp": .int(expires)]
    }

    init(runID: String, requestID: String, inputKey: String, callDigest: String, expires: Int) {
        self.runID = runID
        self.requestID = requestID
        self.inputKey = inputKey
        self.callDigest = callDigest
        self.expires = expires
    }

    /// Reads a verified payload; nil when a member is missing.
    init?(payload: JSONValue) {
        guard payload["v"]?.intValue == 1, let run = payload["run"]?.stringValue,
              let request = payload["req"]?.stringValue, let key = payload["key"]?.stringValue,
              let call = payload["call"]?.stringValue, let expires = payload["exp"]?.intValue else { return nil }
        self.init(runID: run, requestID: request, inputKey: key, callDigest: call, expires: expires)
    }
}
