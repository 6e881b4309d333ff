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
            }.json
        }
        guard let limit = params.limit, limit > client.maxMessagePageSize else {
            return try await bridge.call { () async throws(DuvoAPIError) in
                try await client.messages(params.runID, limit: params.limit, offset: params.offset)
            }.json
        }
        // v1 pages hold at most 50 messages; read two pages to honour a larger limit.
        return try await bridge.call { () async throws(DuvoAPIError) in
            let start = params.offset ?? 0
            var page = try await client.messages(params.runID, limit: client.maxMessagePageSize, offset: start)
            let total = page.total ?? 0
            while page.messages.count < limit, start + page.messages.count < total {
                let next = try await client.messages(params.runID, limit: min(client.maxMessagePageSize,
                                                                             limit - page.messages.count),
                                                     offset: start + page.messages.count)
                if next.messages.isEmpty { break }
                page.messages += next.messages
            }
            page.limit = limit
            return page
        }.json
    }
}
