import Diagnostics
import DuvoAPI
import DuvoSimulator
import Foundation

/// Starts the simulator inside this process on a free loopback port, for `--simulate=private`.
enum EmbeddedSimulator {
    /// Starts it and says so on stderr. It accepts only a key drawn at random for it (a secret: registered with the
    /// redactor), so other users of the machine cannot call it on its loopback port.
    /// - Throws: ``DuvoAPIError/notConfigured(_:)`` when it cannot listen.
    static func start(speed: Double, logger: Logger) throws -> (simulator: Simulator, baseURL: URL, apiKey: String) {
        let apiKey = Credentials.randomKey()
        SecretRedactor.register(apiKey)
        let configuration: SimulatorConfiguration
        do {
            configuration = SimulatorConfiguration(
                host: "127.0.0.1", port: 0,
                credentials: try Credentials(apiKeys: [apiKey], teams: [DefaultCredentials.team]), speed: speed,
                logger: logger.at(min(logger.level, .warning), label: "duvo sim (embedded)"))
        } catch {
            throw DuvoAPIError.notConfigured("the built-in simulator could not start: \(error)")
        }
        let simulator: Simulator
        let base: String
        do {
            simulator = try Simulator(configuration: configuration)
            base = try simulator.start()
        } catch {
            throw DuvoAPIError.notConfigured("the built-in simulator could not start: \(error)")
        }
        guard let url = URL(string: base) else {
            throw DuvoAPIError.notConfigured("the built-in simulator gave an unusable address '\(base)'")
        }
        logger.log(.warning, "using the built-in Duvo simulator at \(base) (speed \(speed)x; no key, no network)")
        return (simulator, url, apiKey)
    }
}
