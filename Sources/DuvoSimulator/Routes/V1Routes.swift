/// The six endpoints of the v1 reference (seed 003).
enum V1Routes {
    static func make(_ endpoints: RunEndpoints) -> [Route] {
        [
            Route("POST", "/v1/runs") { context throws(APIError) in
                guard let team = context.teams.first else { throw .forbidden("This API key belongs to no team.") }
                return try endpoints.create(context, team: team, version: .v1)
            }
        ] + RunRoutes.make(endpoints, version: .v1)
    }
}
