/// The run routes both versions share, under `/v1` or `/v2`; only the run shape and page size differ.
enum RunRoutes {
    static func make(_ endpoints: RunEndpoints, version: APIVersion) -> [Route] {
        let base = "/\(version.rawValue)/runs/{run_id}"
        return [
            Route("GET", base) { context throws(APIError) in try endpoints.get(context, version: version) },
            Route("GET", base + "/messages") { context throws(APIError) in
                try endpoints.messages(context, version: version)
            },
            Route("POST", base + "/messages") { context throws(APIError) in try endpoints.post(context) },
            Route("POST", base + "/human-requests/{request_id}/respond") { context throws(APIError) in
                try endpoints.respond(context)
            },
            Route("POST", base + "/stop") { context throws(APIError) in try endpoints.stop(context) },
        ]
    }
}
