import Diagnostics
import Foundation
import Platform

/// Everything the client core needs to talk to Duvo, resolved once from flags, environment and key files.
public struct DuvoConfiguration: Sendable {
    /// The production API.
    package static let defaultBaseURL = "https://api.duvo.ai"
    /// The deadline of a call when none is configured.
    public static let defaultTimeout: TimeInterval = 30
    /// Duvo's documented per-key limit.
    public static let defaultRateLimitPerMinute = 300

    /// The key, or nil when none is configured (the server still starts; Duvo calls then fail with advice).
    package var apiKey: APIKey?
    /// The API's root without a version, e.g. `https://api.duvo.ai`.
    package var baseURL: URL
    /// Which API generation to call.
    package var apiVersion: APIVersion
    /// The team for v2's team-scoped endpoints (start and list).
    package var teamID: String?
    /// Requests per minute this process allows itself, for every method and follow together (0 = unlimited).
    package var rateLimitPerMinute: Int
    /// The deadline of one call in seconds, covering all its attempts and back-offs (`DUVO_TIMEOUT` / `--timeout`).
    package var requestTimeout: TimeInterval
    /// How retries of safe requests behave.
    package var retry: RetryPolicy

    /// A configuration with explicit values (tests and embedding).
    public init(apiKey: APIKey?, baseURL: URL, apiVersion: APIVersion = .default, teamID: String? = nil,
                rateLimitPerMinute: Int = DuvoConfiguration.defaultRateLimitPerMinute,
                requestTimeout: TimeInterval = DuvoConfiguration.defaultTimeout, retry: RetryPolicy = RetryPolicy()) {
        self.apiKey = apiKey
        self.baseURL = baseURL
        self.apiVersion = apiVersion
        self.teamID = teamID
        self.rateLimitPerMinute = rateLimitPerMinute
        self.requestTimeout = requestTimeout
        self.retry = retry
    }

    /// Resolves the configuration the way every front door does: explicit values first, then `DUVO_*` variables.
    ///
    /// - Parameters:
    ///   - apiKeyFile: a file holding the key (`--api-key-file`); overrides `DUVO_API_KEY_FILE` and `DUVO_API_KEY`.
    ///   - baseURL, apiVersion, teamID, timeout: flag values, each overriding its `DUVO_*` twin (`--timeout` is
    ///     `DUVO_TIMEOUT`, in seconds).
    /// - Throws: ``DuvoAPIError/notConfigured(_:)`` for an unreadable key file (saying why), a bad URL, an unknown
    ///   version or a timeout that is not a positive number of seconds.
    package static func resolve(environment: [String: String], apiKeyFile: String? = nil, baseURL: String? = nil,
                               apiVersion: String? = nil, teamID: String? = nil,
                               rateLimitPerMinute: Int? = nil, timeout: String? = nil)
        throws(DuvoAPIError) -> DuvoConfiguration
    {
        var key: APIKey?
        if let path = apiKeyFile ?? environment["DUVO_API_KEY_FILE"].flatMap({ $0.isEmpty ? nil : $0 }) {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw .notConfigured("cannot read the API key file '\(path)' (\(Self.reason(error, path: path))); check the "
                    + "path and its permissions")
            }
            key = APIKey(text)
        } else if let text = environment["DUVO_API_KEY"], !text.isEmpty {
            key = APIKey(text)
        }
        if let candidate = key, candidate.secret.isEmpty { key = nil }
        if let key {
            SecretRedactor.register(key.secret)
            guard key.secret.count >= APIKey.minimumLength else {
                let source = apiKeyFile != nil ? "--api-key-file" : environment["DUVO_API_KEY_FILE"].map { _ in
                    "DUVO_API_KEY_FILE" } ?? "DUVO_API_KEY"
                throw .notConfigured("the API key from \(source) is \(key.secret.count) characters long, too short "
                    + "to be a Duvo key (they start with dv_ and are much longer); check that it was copied whole")
            }
        }
        let urlText = baseURL ?? environment["DUVO_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultBaseURL
        guard let url = URL(string: urlText.hasSuffix("/") ? String(urlText.dropLast()) : urlText),
              let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw .notConfigured("DUVO_BASE_URL '\(urlText)' is not an http(s) URL such as \(defaultBaseURL)")
        }
        let versionText = apiVersion ?? environment["DUVO_API_VERSION"].flatMap { $0.isEmpty ? nil : $0 }
        var version = APIVersion.default
        if let versionText {
            guard let parsed = APIVersion(rawValue: versionText.lowercased()) else {
                throw .notConfigured("DUVO_API_VERSION must be v1 or v2, not '\(versionText)'")
            }
            version = parsed
        }
        let team = teamID ?? environment["DUVO_TEAM_ID"].flatMap { $0.isEmpty ? nil : $0 }
        return DuvoConfiguration(apiKey: key, baseURL: url, apiVersion: version, teamID: team,
                                 rateLimitPerMinute: rateLimitPerMinute ?? defaultRateLimitPerMinute,
                                 requestTimeout: try deadline(flag: timeout, environment: environment))
    }

    /// The deadline of a call: `flag` (`--timeout`), else `DUVO_TIMEOUT`, else ``defaultTimeout``, in seconds.
    /// - Throws: ``DuvoAPIError/notConfigured(_:)`` for anything but a number of seconds in (0, 86400].
    package static func deadline(flag: String?, environment: [String: String]) throws(DuvoAPIError) -> TimeInterval {
        guard let text = flag ?? environment["DUVO_TIMEOUT"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            return defaultTimeout
        }
        guard let seconds = deadlineSeconds(text) else {
            throw .notConfigured("DUVO_TIMEOUT (--timeout) must be \(deadlineRule), not '\(text.prefix(40))'")
        }
        return seconds
    }

    /// What a deadline must be, for messages about a bad one.
    package static let deadlineRule = "a number of seconds more than 0 and at most 86400, such as 30"

    /// `text` as a call's deadline in seconds, or nil when it is not one (see ``deadlineRule``).
    package static func deadlineSeconds(_ text: String) -> TimeInterval? {
        guard let seconds = Double(text), seconds > 0, seconds <= 86_400 else { return nil }
        return seconds
    }

    /// Why the file at `path` could not be read, in the system's words (`No such file or directory`, `Permission
    /// denied`): Foundation's own error says less on Linux, so the open is repeated to read `errno`.
    private static func reason(_ error: any Error, path: String) -> String {
        let fd = Platform.open(path, flags: Platform.OpenFlag.readOnly, mode: 0)
        guard fd < 0 else {
            Platform.close(fd)
            return (error as NSError).localizedDescription  // it opens, so the content was the problem (not UTF-8)
        }
        return Platform.lastErrorDescription()
    }
}
