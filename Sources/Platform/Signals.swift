#if canImport(Glibc)
import Glibc
#endif

extension Platform {
    /// The POSIX signals this package sends or handles.
    package struct Signal: Sendable, Hashable {
        /// The signal's number, as `DispatchSource.makeSignalSource(signal:)` takes it.
        package let number: Int32
        package static let interrupt = Signal(number: SIGINT)
        package static let terminate = Signal(number: SIGTERM)
        package static let kill = Signal(number: SIGKILL)
        package static let brokenPipe = Signal(number: SIGPIPE)
    }

    /// Makes the process ignore `signal` (its handler becomes `SIG_IGN`).
    package static func ignore(_ signal: Signal) {
        _ = Glibc.signal(signal.number, SIG_IGN)
    }

    /// Makes a write to a closed pipe or socket fail with EPIPE instead of killing the process.
    package static func ignoreBrokenPipe() {
        ignore(.brokenPipe)
    }
}
