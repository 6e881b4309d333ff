import DuvoAPI
import JSONCore
import JSONRPC

/// `runs/messages`: one page of a run's messages, or every message with `all`.
enum ListMessages: BridgeMethod {
    static let name = "runs/messages"
    static let traits = MethodTraits.read
    static let toolName: String? = "duvo_list_messages"

    struct Params: BridgeParams {
        let runID: String
        let limit: Int?
        let offset: Int?
        let all: Bool?
        enum CodingKeys: String, CodingKey, CaseIterable { case runID = "run_id", limit, offset, all }
    }

    static func handle(_ params: Params, bridge: Bridge, context: RPCRequestContext)
        async throws(BridgeFailure) -> JSONValue
    {
        try ParamChecks.uuid(params.runID, field: "run_id")
        try ParamChecks.range(params.limit, 1...100, field: "limit")
        try ParamChecks.range(params.offset, 0...Int.max, field: "offset")
        let client = bridge.client
        if params.all == true {
            return try await bridge.call { () async throws(DuvoAPIError) in
                try await client.allMessages(params.runID, from: params.offset ?? 0)
            }
        }
        guard let limit = params.limit, limit > client.maxMessagePageSize else {
            return try await bridge.call { () async throws(DuvoAPIError) in
                try await client.messages(params.runID, limit: params.limit, offset: params.offset)
            }
        }
        // v1 pages hold at most 50 messages; read two pages to honour a larger limit.
        return try await bridge.call { () async throws(DuvoAPIError) in
            let start = params.offset ?? 0
            var page = try await client.messages(params.runID, limit: client.maxMessagePageSize, offset: start)
            var messages = page["messages"]?.arrayValue ?? []
            let total = page["total"]?.intValue ?? 0
            while messages.count < limit, start + messages.count < total {
                let next = try await client.messages(params.runID, limit: min(client.maxMessagePageSize,
                                                                             limit - messages.count),
                                                     offset: start + messages.count)
                let batch = next["messages"]?.arrayValue ?? []
                if batch.isEmpty { break }
                messages += batch
            }
            page["messages"] = .array(messages)
            page["limit"] = .int(limit)
            return page
        }
    }
}
