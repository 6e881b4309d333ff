/// The v2 endpoints of the operations guide (seed 004): the v1 run operations plus team-scoped create and list.
enum V2Routes {
    static func make(_ endpoints: RunEndpoints) -> [Route] {
        [
            Route("POST", "/v2/teams/{team_id}/runs") { context throws(APIError) in
                try endpoints.create(context, team: try team(context), version: .v2)
            },
            Route("GET", "/v2/teams/{team_id}/runs") { context throws(APIError) in
                try endpoints.list(context, team: try team(context))
            },
        ] + RunRoutes.make(endpoints, version: .v2)
    }

    /// The team in the path, which the key must belong to (403 otherwise).
    private static func team(_ context: RequestContext) throws(APIError) -> String {
        let team = context.parameter("team_id")
        guard context.teams.contains(team) else {
            throw .forbidden("This API key does not belong to team '\(team.prefix(64))'; use one of the key's teams.")
        }
        return team
    }
}
