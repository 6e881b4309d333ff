/// The key and team the simulator uses when none are configured; public on purpose so docs and tests can name them.
public enum DefaultCredentials {
    /// The API key accepted when no `--api-key` is given.
    public static let apiKey = "dv_sim_local_key"
    /// The team that exists when no `--team` is given.
    public static let team = "local-team"
}
