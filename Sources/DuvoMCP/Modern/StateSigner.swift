import Digest
import Foundation
import JSONCore
import JSONRPC

/// Signs and checks ``RequestState``s with a key drawn at random once per process: a state outlives neither the
/// process nor its expiry, and nobody but this process can make one.
struct StateSigner: Sendable {
    private let mac: HMACSHA256

    /// How long a person has to answer before the state is refused (the model then waits again and is asked anew).
    static let lifetime = 30 * 60

    /// The process's signer, with 32 random bytes from the system's generator.
    static let process: StateSigner = {
        var generator = SystemRandomNumberGenerator()
        return StateSigner(key: (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }()

    /// A signer with a given key (tests).
    init(key: [UInt8]) {
        mac = HMACSHA256(key: key)
    }

    /// The wire form of `state`.
    func sign(_ state: RequestState) -> String {
        let payload = Base64URL.encode(JSONWriter(sortedKeys: true).bytes(state.payload))
        return payload + "." + Hex.encode(mac.authenticationCode(for: Array(payload.utf8)))
    }

    /// The state `text` carries, checked against the call it came back with.
    /// - Throws: ``RPCError`` -32602 (field `requestState`) for a state this process did not sign, one that expired,
    ///   or one made for another call; nothing is changed by such a call.
    func verify(_ text: String, callDigest: String, now: Date = Date()) throws(RPCError) -> RequestState {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let code = Hex.decode(String(parts[1])),
              mac.isValid(code, for: Array(parts[0].utf8)) else {
            throw Self.refused("it was not issued by this server process (forged, altered, or from before a restart)")
        }
        // Signed by this process, so it parses; a failure here is still refused rather than trusted.
        guard let bytes = Base64URL.decode(String(parts[0])), let state = Self.state(in: bytes) else {
            throw Self.refused("its contents cannot be read")
        }
        guard Int(now.timeIntervalSince1970) <= state.expires else {
            throw Self.refused("it expired; call the tool again without it to be asked anew")
        }
        guard state.callDigest == callDigest else {
            throw Self.refused("it belongs to another call; retry with the same tool and arguments that received it")
        }
        return state
    }

    private static func state(in bytes: [UInt8]) -> RequestState? {
        do {
            return RequestState(payload: try JSONValue(parsing: Data(bytes)))
        } catch {
            return nil
        }
    }

    private static func refused(_ why: String) -> RPCError {
        RPCError.invalidParams("requestState refused: \(why). Nothing was answered.", field: "requestState")
    }
}
