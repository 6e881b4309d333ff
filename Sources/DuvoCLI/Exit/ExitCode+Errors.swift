import ArgumentKit
import DuvoAPI

extension ExitCode {
    /// The exit code for a failed call to Duvo, by what the user has to do about it.
    package init(_ error: DuvoAPIError) {
        switch error {
        case .notConfigured, .unsupported, .unauthorized, .forbidden: self = .configuration
        case .notFound, .rejected, .unexpectedStatus: self = .refused
        case .rateLimited, .unavailable, .network, .invalidResponse: self = .unavailable
        case .timeout: self = .timeout
        case .cancelled: self = .interrupted
        case .outcomeUnknown(let failure, _): self = ExitCode(failure)
        }
    }

    /// The exit code for any error a command can end with.
    init(error: any Error) {
        switch error {
        case is UsageError: self = .usage
        case let failure as CLIFailure: self = failure.exitCode
        case let failure as DuvoAPIError: self = ExitCode(failure)
        case let failure as RunOperationError:
            switch failure {
            case .invalidParameter: self = .usage
            case .duvo(let error): self = ExitCode(error)
            case .doesNotFit, .tooManyFollows: self = .refused
            }
        case is CancellationError: self = .interrupted
        default: self = .refused
        }
    }
}
