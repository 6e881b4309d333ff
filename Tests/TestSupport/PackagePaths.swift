import Foundation

/// Where the package and the shared specification live, found from this file's path.
public enum PackagePaths {
    /// The package root (the folder holding Package.swift).
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // TestSupport
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    /// The Duvo reference documents: `DUVO_SEEDS_DIR`, else `<package root>/../shared/seeds` (CI clones the repo
    /// with `shared/` beside it).
    public static var seeds: URL {
        if let override = ProcessInfo.processInfo.environment["DUVO_SEEDS_DIR"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        return root.deletingLastPathComponent().appendingPathComponent("shared/seeds")
    }

    /// The seed file `name`, or an error saying where it was expected.
    public static func seed(_ name: String) throws -> URL {
        let url = seeds.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else { throw MissingFile(path: url.path) }
        return url
    }

    /// A file the tests need is absent.
    public struct MissingFile: Error, CustomStringConvertible {
        /// Where it was looked for.
        public let path: String
        public var description: String {
            "missing \(path): clone the repository with shared/ beside it, or set DUVO_SEEDS_DIR"
        }
    }
}
