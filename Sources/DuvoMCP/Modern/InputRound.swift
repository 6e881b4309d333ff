import DuvoAPI
import Foundation
import JSONCore
import JSONRPC

/// One round of a 2026 `tools/call` in the multi round-trip pattern: what binds it (tool and arguments), the state
/// an earlier round handed out (already verified), and the person's answers the client brings back.
struct InputRound: Sendable {
    /// SHA-256 of the tool and its arguments (see ``RequestState/digest(tool:arguments:)``).
    let callDigest: String
    /// The verified state of the round before, if the client retried one.
    let previous: RequestState?
    /// The client's `inputResponses`.
    let responses: [String: JSONValue]
    /// The version in the answer's `_meta` serverInfo.
    let serverVersion: String
    let signer: StateSigner

    /// A round refused as a whole (bad state or answers): a protocol error, never a tool result the model reads.
    struct Refused: Error {
        let error: RPCError
    }

    /// The round of the call `params` for `tool` with `arguments`.
    /// - Throws: ``Refused`` with -32602 for a state this process did not sign, that expired or belongs to another
    ///   call, for `inputResponses` that are not an object, or given without the state they answer.
    init(_ params: CallTool.Params, tool: String, arguments: [String: JSONValue], serverVersion: String,
         signer: StateSigner = .process) throws(Refused) {
        callDigest = RequestState.digest(tool: tool, arguments: arguments)
        self.serverVersion = serverVersion
        self.signer = signer
        switch params.inputResponses {
        case nil, .null?: responses = [:]
        case .object(let members)?: responses = members
        case let other?:
            throw Refused(error: .invalidParams("inputResponses must be an object keyed like inputRequests, not "
                + other.kindDescription, field: "inputResponses"))
        }
        if let text = params.requestState {
            do {
                previous = try signer.verify(text, callDigest: callDigest)
            } catch {
                throw Refused(error: error)
            }
        } else if !responses.isEmpty {
            throw Refused(error: .invalidParams("inputResponses came without the requestState they answer; retry "
                + "with the requestState of the input_required result unchanged", field: "requestState"))
        } else {
            previous = nil
        }
    }

    /// The key a human request is asked under in `inputRequests`.
    static func key(forHumanRequest id: String) -> String { "human_request_\(id)" }

    /// The client's answer (an `ElicitResult`) to the form the previous round showed for `pending` of `runID`; nil
    /// when there is none, or when the run now waits on another request (the old answer then changes nothing).
    func response(to pending: HumanRequest, runID: String) -> JSONValue? {
        guard let previous, previous.runID.lowercased() == runID.lowercased(),
              previous.requestID == pending.id,
              let response = responses[previous.inputKey], response.objectValue != nil else { return nil }
        return response
    }

    /// The `input_required` result asking the client to show `form`, with a state signed for this call.
    func inputRequired(_ form: HumanElicitation) -> JSONValue {
        let requestID = form.request.id
        let key = Self.key(forHumanRequest: requestID)
        let state = RequestState(runID: form.runID, requestID: requestID, inputKey: key, callDigest: callDigest,
                                 expires: Int(Date().timeIntervalSince1970) + StateSigner.lifetime)
        let result: JSONValue = [
            "inputRequests": [key: ["method": "elicitation/create", "params": form.params]],
            "requestState": .string(signer.sign(state)),
        ]
        return ModernResult.tagged(result, type: "input_required", serverVersion: serverVersion)
    }
}
