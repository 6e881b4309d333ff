import Foundation
import JSONCore
import JSONRPC
import Testing

@testable import DuvoMCP

@Suite("requestState: signed, bound to one call, expiring")
struct RequestStateTests {
    let signer = StateSigner(key: Array(repeating: 7, count: 32))
    let digest = RequestState.digest(tool: "duvo_wait_for_run", arguments: ["run_id": "r1", "timeout_s": 20])

    private func state(expires: Int = Int(Date().timeIntervalSince1970) + 60) -> RequestState {
        RequestState(runID: "r1", requestID: "h1", inputKey: "human_request_h1", callDigest: digest, expires: expires)
    }

    private func refusal(_ text: String, digest: String? = nil, now: Date = Date()) -> String? {
        do {
            _ = try signer.verify(text, callDigest: digest ?? self.digest, now: now)
            return nil
        } catch {
            #expect(error.code == .invalidParams && error.data?["field"] == "requestState")
            return error.message
        }
    }

    @Test("a state the server signed comes back as it was")
    func roundTrip() throws {
        // One state: two calls of state() a second boundary apart expire a second apart.
        let original = state()
        #expect(try signer.verify(signer.sign(original), callDigest: digest) == original)
    }

    @Test("a state signed with another key, altered, or made up is refused")
    func forged() {
        let text = signer.sign(state())
        let other = StateSigner(key: Array(repeating: 8, count: 32)).sign(state())
        let (payload, mac) = (text.split(separator: ".")[0], text.split(separator: ".")[1])
        let flipped = String(payload.dropLast()) + (payload.last == "A" ? "B" : "A") + "." + mac
        for forged in [other, flipped, "eyJ2IjoxfQ.00", "no dot", ""] {
            #expect(refusal(forged)?.contains("not issued by this server") == true, "\(forged)")
        }
    }

    @Test("a state used after its expiry is refused")
    func expired() {
        let text = signer.sign(state(expires: 1_000))
        #expect(refusal(text, now: Date(timeIntervalSince1970: 1_001))?.contains("expired") == true)
        #expect(refusal(text, now: Date(timeIntervalSince1970: 1_000)) == nil)
    }

    @Test("a state handed to another call (other arguments or tool) is refused")
    func otherCall() {
        let text = signer.sign(state())
        let otherArguments = RequestState.digest(tool: "duvo_wait_for_run", arguments: ["run_id": "r2"])
        let otherTool = RequestState.digest(tool: "duvo_get_run", arguments: ["run_id": "r1", "timeout_s": 20])
        #expect(refusal(text, digest: otherArguments)?.contains("another call") == true)
        #expect(refusal(text, digest: otherTool)?.contains("another call") == true)
    }
}
