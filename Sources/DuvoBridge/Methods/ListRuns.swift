import DuvoAPI
import JSONCore
import JSONRPC

/// `runs/list`: a team's runs with the operations guide's filters (API v2).
enum ListRuns: BridgeMethod {
    static let name = "runs/list"
    static let traits = MethodTraits.read
    static let toolName: String? = "duvo_list_runs"

    struct Params: BridgeParams {
        let agentID: String?
        let status: JSONValue?
        let since: String?
        let hasIssues: Bool?
        let issueSeverity: String?
        let limit: Int?
        let offset: Int?
        let sortBy: String?
        let sortOrder: String?
        let all: Bool?
        let teamID: String?
        enum CodingKeys: String, CodingKey, CaseIterable {
            case agentID = "agent_id", status, since, hasIssues = "has_issues", issueSeverity = "issue_severity"
            case limit, offset, sortBy = "sort_by", sortOrder = "sort_order", all, teamID = "team_id"
        }
    }

    static func handle(_ params: Params, bridge: Bridge, context: RPCRequestContext)
        async throws(BridgeFailure) -> MethodResult
    {
        let statuses = try statuses(params.status)
        let filter = RunListFilter(agentID: params.agentID, statuses: statuses, since: params.since,
                                   hasIssues: params.hasIssues, issueSeverity: params.issueSeverity,
                                   limit: params.limit, offset: params.offset, sortBy: params.sortBy,
                                   sortOrder: params.sortOrder)
        return .runs(try await bridge.run { operations throws(RunOperationError) in
            try await operations.list(filter, all: params.all == true, teamID: params.teamID)
        })
    }

    private static func statuses(_ value: JSONValue?) throws(BridgeFailure) -> [String] {
        switch value {
        case nil, .null?: return []
        case .string(let text)?:
            return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        case .array(let items)?:
            var result: [String] = []
            for item in items {
                guard let text = item.stringValue else {
                    throw BridgeFailure.invalidParams("'status' must be a string or an array of strings", field: "status")
                }
                result.append(text)
            }
            return result
        default:
            throw BridgeFailure.invalidParams("'status' must be a string or an array of strings", field: "status")
        }
    }
}

import Foundation
