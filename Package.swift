// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "planable-sync",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "planable-sync", targets: ["PlanableSyncCLI"])
    ],
    targets: [
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CMicroHTTPD", pkgConfig: "libmicrohttpd", providers: [.apt(["libmicrohttpd-dev"])]),
        .systemLibrary(name: "CCmark", pkgConfig: "libcmark-gfm", providers: [.apt(["libcmark-gfm-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),

        .target(name: "SQLite", dependencies: ["CSQLite"]),
        .target(name: "YAML", dependencies: ["CYAML"]),
        .target(name: "HTTPClient", dependencies: ["CCurl"]),
        .executableTarget(name: "PlanableSyncCLI", dependencies: []),

        .testTarget(name: "SQLiteTests", dependencies: ["SQLite"]),
        .testTarget(name: "YAMLTests", dependencies: ["YAML"]),
        .testTarget(name: "HTTPClientTests", dependencies: ["HTTPClient"]),

        // BEGIN reference server targets
        .target(name: "HTTPServer", dependencies: ["CMicroHTTPD"]),
        .target(
            name: "PlanableReference", dependencies: ["HTTPServer", "SQLite", "YAML", "HTTPClient", "CCurl", "CSQLite"],
            exclude: ["Resources/openapi.json", "Resources/embed.py"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "HTTPClient"]),
        .testTarget(
            name: "PlanableReferenceTests", dependencies: ["PlanableReference", "HTTPServer", "HTTPClient", "SQLite"]),
        // END reference server targets
    ]
)
