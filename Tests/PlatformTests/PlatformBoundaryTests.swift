import Foundation
import Testing
import TestSupport

/// Platform code lives in `Sources/Platform` only, so a port to another system touches one target.
@Suite("Platform code in one place")
struct PlatformBoundaryTests {
    /// The package's Swift sources with their paths relative to the package root.
    static func sources() throws -> [(path: String, text: String)] {
        let root = PackagePaths.root.appendingPathComponent("Sources")
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else {
            throw CocoaError(.fileReadNoPermission)
        }
        var files: [(String, String)] = []
        for case let url as URL in walker where url.pathExtension == "swift" {
            let relative = "Sources/" + url.path.dropFirst(root.path.count + 1)
            files.append((relative, try String(contentsOf: url, encoding: .utf8)))
        }
        return files.sorted { $0.0 < $1.0 }
    }

    /// Whether `text` imports a C library module (`import Glibc`, `import Darwin`, `@_exported import Musl`, ...).
    static func importsCLibrary(_ text: String) -> Bool {
        let modules: Set<Substring> = ["Glibc", "Darwin", "Musl", "Bionic", "WinSDK", "ucrt"]
        return text.split(whereSeparator: \.isNewline).contains { line in
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let index = words.firstIndex(of: "import"), index + 1 < words.count else { return false }
            return words[..<index].allSatisfy { $0.hasPrefix("@") || $0 == "public" || $0 == "package" }
                && modules.contains(words[index + 1])
        }
    }

    @Test("no file outside Sources/Platform imports Glibc or another C library module")
    func onlyPlatformImportsTheCLibrary() throws {
        let files = try Self.sources()
        #expect(files.count > 100, "the Sources tree was not found under \(PackagePaths.root.path)")
        let offenders = files.filter { file in
            !file.path.hasPrefix("Sources/Platform/") && Self.importsCLibrary(file.text)
        }
        #expect(offenders.map(\.path) == [], "call Platform (Sources/Platform) instead of the C library")
        let platform = files.filter { $0.path.hasPrefix("Sources/Platform/") }
        #expect(platform.contains { Self.importsCLibrary($0.text) }, "Sources/Platform no longer wraps the C library?")
    }

    /// C functions and types that Foundation re-exports on Linux, so a file importing only Foundation can still call
    /// them: each is platform code, and belongs in `Sources/Platform`.
    static let cNames = [
        "strerror", "errno", "fcntl", "flock", "usleep", "nanosleep", "clock_gettime", "getpid", "getuid", "geteuid",
        "isatty", "setsockopt", "getsockopt", "getaddrinfo", "posix_spawn", "posix_spawnattr_init", "dlsym", "waitpid",
        "futimens", "fstat", "lstat", "readlink", "dup2", "pipe", "kill", "gmtime_r", "timegm", "mkdir", "unlink",
        "recv", "pread", "pwrite", "ftruncate", "pthread_rwlock_init", "timespec", "timeval", "pollfd", "sockaddr_storage", "addrinfo", "signal",
    ]

    /// The lines of `text` (comments skipped) that call one of ``cNames`` unqualified, or read `errno`.
    static func cLibraryCalls(_ text: String) throws -> [String] {
        let names = cNames.joined(separator: "|")
        let pattern = try NSRegularExpression(pattern: "(?<![.\\w])(?:(?:\(names))\\(|errno\\b(?!:| \\\\\\()|\"/proc/)")
        return text.split(whereSeparator: \.isNewline).map(String.init).filter { line in
            let code = line.trimmingCharacters(in: .whitespaces)
            guard !code.hasPrefix("//") else { return false }
            let range = NSRange(line.startIndex..., in: line)
            return pattern.firstMatch(in: line, range: range) != nil
        }
    }

    @Test("no file outside Sources/Platform calls the C library through Foundation's re-export of Glibc")
    func noHiddenCalls() throws {
        var offenders: [String] = []
        for file in try Self.sources() where !file.path.hasPrefix("Sources/Platform/") {
            offenders += try Self.cLibraryCalls(file.text).map { "\(file.path): \($0)" }
        }
        #expect(offenders == [], "call Platform (Sources/Platform) instead of the C library")
    }

    @Test("the call check finds C calls and leaves methods, labels and comments alone")
    func recognisesCalls() throws {
        #expect(try Self.cLibraryCalls("let pid = getpid()").count == 1)
        #expect(try Self.cLibraryCalls("return String(cString: strerror(errno))").count == 1)
        #expect(try Self.cLibraryCalls("if count < 0 && errno == EINTR { continue }").count == 1)
        #expect(try Self.cLibraryCalls("var spec = timespec()").count == 1)
        #expect(try Self.cLibraryCalls("let got = pread(fd, base, count, off_t(offset))").count == 1)
        #expect(try Self.cLibraryCalls("let data = procFile(\"/proc/locks\")").count == 1)
        #expect(try Self.cLibraryCalls("""
            let pid = Platform.processID()
            throw .cannotOpen(path: path, errno: code)
            case .writeFailed(let code): "write failed (errno \\(code))"
            if error.errno == Platform.ErrorCode.noSuchFile { return nil }
            // flock(2) is what the kernel releases when the holder dies
            try await send(request)
            """).isEmpty)
    }

    @Test("the import check recognises the forms an import takes")
    func recognisesImports() {
        #expect(Self.importsCLibrary("#if canImport(Glibc)\n    import Glibc\n#endif\n"))
        #expect(Self.importsCLibrary("@_exported import Darwin"))
        #expect(Self.importsCLibrary("import Foundation\n@preconcurrency import Glibc"))
        #expect(!Self.importsCLibrary("import Foundation\nimport Platform\n// import Glibc is not allowed here"))
        #expect(!Self.importsCLibrary("#if canImport(Glibc)\n#endif"))
    }

    @Test("Package.swift claims no platform that is not built and tested")
    func noPlatformClaim() throws {
        let manifest = try String(
            contentsOf: PackagePaths.root.appendingPathComponent("Package.swift"), encoding: .utf8)
        #expect(!Self.claimsPlatforms(manifest), "nothing is built or tested on macOS")
        #expect(Self.claimsPlatforms("let package = Package(\n    name: \"x\",\n    platforms: [.macOS(.v15)],\n"))
        #expect(!Self.claimsPlatforms("// No `platforms:` claim: Linux only.\nlet package = Package(name: \"x\")"))
    }

    /// Whether a manifest's code (not its comments) declares `platforms:`.
    static func claimsPlatforms(_ manifest: String) -> Bool {
        manifest.split(whereSeparator: \.isNewline)
            .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }
            .contains { $0.contains("platforms:") }
    }
}
