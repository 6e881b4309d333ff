import Platform

/// Why shared coordination (the runtime directory's files, Redis) could not be used for one operation.
package enum CoordinationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A file of the runtime directory could not be opened, locked, read or written.
    case file(path: String, reason: String)
    /// Redis could not be reached or answered with an error (the description never holds the password).
    case redis(endpoint: String, reason: String)

    package var description: String {
        switch self {
        case .file(let path, let reason): "coordination file \(path): \(reason)"
        case .redis(let endpoint, let reason): "Redis at \(endpoint): \(reason)"
        }
    }
}

extension CoordinationError {
    /// `path` of the runtime directory was not opened (see ``OwnedFile``).
    static func file(path: String, _ error: OwnedFileError) -> CoordinationError {
        switch error {
        case .cannotOpen(_, let code): .file(path: path, reason: "cannot open: \(Platform.errorDescription(code))")
        case .untrusted(_, let reason): .file(path: path, reason: "refused, \(reason)")
        case .cannotRead(_, let code): .file(path: path, reason: "cannot read: \(Platform.errorDescription(code))")
        case .tooLarge(_, let limit): .file(path: path, reason: "larger than \(limit) bytes")
        }
    }
}
