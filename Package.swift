// swift-tools-version:6.0
// duvo-bridge: drive Duvo agent runs over a pipe (JSON-RPC 2.0, MCP, CLI), with a local simulator of the Duvo API.
// Foundation only, by design: no package dependencies.
import PackageDescription

let package = Package(
    name: "duvo-bridge",
    // No `platforms:` claim: duvo-bridge is built and tested on Linux (glibc) only. Sources/Platform holds every
    // system call; a port to macOS starts there.
    products: [
        .executable(name: "duvo", targets: ["duvo"]),
        .library(name: "DuvoBridge", targets: ["DuvoBridge"]),
        .library(name: "DuvoSimulator", targets: ["DuvoSimulator"]),
    ],
    targets: [
        // Layer 0: pieces that know nothing of Duvo or of each other.
        // The only target that imports Glibc or calls Linux-only interfaces.
        .target(name: "Platform"),
        .target(name: "JSONCore"),
        .target(name: "Digest"),
        .target(name: "Diagnostics", dependencies: ["Platform"]),
        .target(name: "ArgumentKit"),
        .target(name: "HTTPServer", dependencies: ["Diagnostics", "Platform"]),
        .target(name: "JSONRPC", dependencies: ["JSONCore", "Diagnostics", "Platform"]),
        // libcurl (the library FoundationNetworking already loads on Linux), bound directly for https and proxies.
        .systemLibrary(name: "CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // Layer 1: the Duvo API, served (simulator) and consumed (client core).
        .target(name: "DuvoSimulator", dependencies: ["HTTPServer", "JSONCore", "Diagnostics", "Digest", "Platform"]),
        // The Duvo API's client side, bottom up: the clock; HTTP transports (sockets, libcurl, TLS and proxies); the
        // key shared between processes (rate budget, leases, file and Redis stores); the Duvo client and its
        // operations; run watching (the poll core and its driver).
        .target(name: "Time", dependencies: ["Platform"]),
        .target(name: "DuvoHTTP", dependencies: ["Time", "JSONCore", "CCurl", "Platform"]),
        .target(
            name: "KeyCoordination",
            dependencies: ["DuvoHTTP", "Time", "JSONCore", "Diagnostics", "Digest", "CCurl", "Platform"]),
        .target(
            name: "DuvoAPI",
            dependencies: ["DuvoHTTP", "KeyCoordination", "Time", "JSONCore", "Diagnostics", "Platform"]),
        .target(name: "RunWatching", dependencies: ["DuvoAPI", "KeyCoordination", "Time", "JSONCore", "Diagnostics"]),
        // Layer 2: the product's front doors, all on the same core.
        // schema/openrpc.json, the contract, compiled in (Schema/openrpc.json links to it) for `rpc.discover`.
        .target(
            name: "DuvoBridge",
            dependencies: ["DuvoAPI", "KeyCoordination", "RunWatching", "JSONRPC", "JSONCore", "Diagnostics"],
            resources: [.embedInCode("Schema/openrpc.json")]),
        .target(
            name: "DuvoMCP",
            dependencies: [
                "DuvoBridge", "DuvoAPI", "RunWatching", "JSONRPC", "JSONCore", "Diagnostics", "ArgumentKit", "Digest",
            ]),
        .target(
            name: "DuvoCLI",
            dependencies: [
                "DuvoAPI", "DuvoHTTP", "KeyCoordination", "RunWatching", "DuvoBridge", "DuvoSimulator", "ArgumentKit",
                "JSONCore", "Diagnostics", "Platform", "HTTPServer", "Time",
            ]),
        // The composition root of `duvo rpc` (JSON-RPC + MCP on one connection), for the executable and for tests.
        .target(
            name: "DuvoServer",
            dependencies: [
                "DuvoBridge", "DuvoMCP", "DuvoAPI", "KeyCoordination", "RunWatching", "JSONRPC", "Diagnostics",
            ]),
        // The one executable.
        .executableTarget(
            name: "duvo",
            dependencies: [
                "DuvoServer", "DuvoMCP", "DuvoCLI", "DuvoAPI", "JSONRPC", "ArgumentKit", "Diagnostics", "Platform",
            ]),
        // Tests: unit suites per layer, end-to-end suites that spawn the built `duvo` binary.
        .target(name: "TestSupport", dependencies: ["JSONCore", "JSONRPC"], path: "Tests/TestSupport"),
        // The server of `duvo rpc` in memory, on a simulator in this process, for bridge and MCP tests.
        .target(
            name: "ServerTestSupport",
            dependencies: ["DuvoServer", "DuvoMCP", "DuvoAPI", "RunWatching", "DuvoSimulator", "JSONRPC", "JSONCore",
                           "Diagnostics", "TestSupport"],
            path: "Tests/ServerTestSupport"),
        .testTarget(name: "JSONCoreTests", dependencies: ["JSONCore"]),
        .testTarget(name: "DigestTests", dependencies: ["Digest"]),
        .testTarget(name: "PlatformTests", dependencies: ["Platform", "TestSupport"]),
        .testTarget(
            name: "DuvoAPITests",
            dependencies: ["DuvoAPI", "DuvoHTTP", "KeyCoordination", "RunWatching", "Time", "JSONCore", "Diagnostics",
                           "TestSupport"]),
        .testTarget(name: "JSONRPCTests", dependencies: ["JSONRPC", "JSONCore", "TestSupport"]),
        .testTarget(name: "SimulatorTests", dependencies: ["DuvoSimulator", "HTTPServer", "JSONCore", "TestSupport"]),
        .testTarget(
            name: "BridgeTests",
            dependencies: ["DuvoBridge", "DuvoAPI", "HTTPServer", "JSONCore", "JSONRPC", "TestSupport",
                           "ServerTestSupport"]),
        .testTarget(
            name: "MCPTests",
            dependencies: ["DuvoMCP", "DuvoAPI", "JSONCore", "JSONRPC", "TestSupport", "ServerTestSupport"]),
        .testTarget(
            name: "CLITests",
            dependencies: [
                "ArgumentKit", "DuvoAPI", "DuvoCLI", "KeyCoordination", "HTTPServer", "JSONCore", "TestSupport",
            ]),
    ],
    swiftLanguageModes: [.v6]
)
