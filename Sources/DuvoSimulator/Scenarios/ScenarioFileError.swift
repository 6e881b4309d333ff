/// Why an `--agents` file cannot be used: the file, where in it, and what is expected there.
public struct ScenarioFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file's path as given.
    public let file: String
    /// Where in the document, e.g. `[1].steps[2].say`; empty for the whole file.
    public let location: String
    /// What is wrong and what would be accepted.
    public let reason: String

    /// An error at `location` of `file`.
    public init(file: String, location: String, reason: String) {
        self.file = file
        self.location = location
        self.reason = reason
    }

    public var description: String {
        location.isEmpty ? "\(file): \(reason)" : "\(file): \(location): \(reason)"
    }
}
