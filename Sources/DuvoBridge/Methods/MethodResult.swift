import DuvoAPI
import JSONCore
import RunWatching

/// What a method answers, typed: the JSON-RPC front door writes it out (``json``), and MCP renders a tool's summary
/// from the same value, so no front door reads a method's JSON back.
package enum MethodResult: Sendable {
    /// `runs/start`: the run, and the follow's subscription when one was asked for.
    case started(StartedRun, subscription: String?)
    /// `runs/get`.
    case run(RunRead)
    /// `runs/messages`.
    case messages(MessagePage)
    /// `runs/sendMessage`.
    case posted(PostedMessage)
    /// `runs/respond`.
    case answered(AnsweredRequest)
    /// `runs/stop`.
    case stopped(StopOutcome)
    /// `runs/list`.
    case runs(RunPage)
    /// `runs/wait`.
    case waited(WaitOutcome)
    /// `runs/stats`.
    case statistics(RunStatistics)
    /// `runs/follow`: the subscription's name.
    case followed(subscription: String)
    /// `runs/unfollow`: whether the subscription existed.
    case unfollowed(Bool)
    /// `rpc.discover`: the OpenRPC document.
    case document(JSONValue)

    /// The JSON-RPC result.
    package var json: JSONValue {
        switch self {
        case .started(let started, let subscription):
            var result = started.json
            if let subscription { result["subscription"] = .string(subscription) }
            return result
        case .run(let read): return read.json
        case .messages(let page): return page.json
        case .posted(let posted): return posted.json
        case .answered(let answered): return answered.json
        case .stopped(let outcome): return outcome.json
        case .runs(let page): return page.json
        case .waited(let outcome): return outcome.json
        case .statistics(let statistics): return statistics.json
        case .followed(let subscription): return ["subscription": .string(subscription)]
        case .unfollowed(let existed): return ["success": .bool(existed)]
        case .document(let document): return document
        }
    }
}
