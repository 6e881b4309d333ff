import Foundation

/// Where the package and the vendored upstream documents live, found from this file's path.
public enum PackagePaths {
    /// The package root (the folder holding Package.swift).
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // TestSupport
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    /// Duvo's public documents the tests check against, vendored verbatim with their provenance
    /// (`Tests/Fixtures/upstream/PROVENANCE.md`), so a clone with nothing beside it passes its tests.
    public static let upstream: URL = root.appendingPathComponent("Tests/Fixtures/upstream")

    /// The vendored upstream document `name` (e.g. `operations-guide-v2.txt`).
    /// - Throws: ``MissingFile`` naming where it was expected when it is absent.
    public static func upstream(_ name: String) throws -> URL {
        let url = upstream.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else { throw MissingFile(path: url.path) }
        return url
    }

    /// A file the tests need is absent.
    public struct MissingFile: Error, CustomStringConvertible {
        /// Where it was looked for.
        public let path: String
        public var description: String {
            "missing \(path): it is part of the repository (see Tests/Fixtures/upstream/PROVENANCE.md); restore it"
        }
    }
}
