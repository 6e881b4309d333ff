/// Which generation of the Duvo REST API to call.
///
/// v2 adds the team-scoped list endpoint (`GET /v2/teams/{team}/runs`) with issue flags; v1 is the six-endpoint API of
/// the OpenAPI reference. Both are supported; v2 is the default because listing, stats and efficient polling need it.
public enum APIVersion: String, Sendable, CaseIterable {
    case v1
    case v2

    /// The default when nothing is configured.
    public static let `default`: APIVersion = .v2
}
