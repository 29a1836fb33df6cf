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
        .target(name: "Hashing"),
        .target(name: "Timestamps"),
        // Loopback listeners and the built binary as a subprocess, shared by the test targets.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "TimestampsTests", dependencies: ["Timestamps"]),
        .testTarget(name: "HashingTests", dependencies: ["Hashing"]),
        .target(name: "Logging", dependencies: ["CSystemd", "Timestamps"]),
        .target(name: "PlanableAPI", dependencies: ["HTTPClient", "Logging"]),
        .target(name: "Templates", dependencies: ["YAML"]),
        .target(
            name: "SyncEngine",
            dependencies: [
                "Content", "Feeds", "Hashing", "HTTPClient", "Logging", "Networks", "PlanableAPI", "PlanableReference",
                "SQLite",
                "Templates", "Timestamps", "YAML",
            ]),
        .executableTarget(
            name: "PlanableSyncCLI",
            dependencies: [
                "Daemon", "SyncEngine", "Feeds", "Networks", "PlanPreview", "PlanableReference", "Timestamps",
            ]),

        // BEGIN content: directory sources (Markdown and HTML files with front matter).
        .target(
            name: "CTOMLBridge",
            cxxSettings: [.define("TOML_HEADER_ONLY", to: "0"), .define("TOML_SHARED_LIB", to: "1")],
            linkerSettings: [.linkedLibrary("tomlplusplus"), .linkedLibrary("stdc++")]
        ),
        .target(name: "HTMLScan"),
        .target(
            name: "Content",
            dependencies: ["YAML", "CCmark", "CLibXML2", "CTOMLBridge", "Hashing", "HTMLScan", "Timestamps"]),
        .testTarget(name: "ContentTests", dependencies: ["Content", "YAML"]),
        // END content

        // MARK: Feeds (feed sources: parsing, fetching, intake decisions)
        .target(name: "Feeds", dependencies: ["CLibXML2", "HTMLScan", "HTTPClient", "Hashing", "Timestamps"]),
        .executableTarget(name: "feed-bench", dependencies: ["Feeds"], path: "Sources/FeedBench"),
        .testTarget(name: "FeedsTests", dependencies: ["Feeds", "HTTPClient", "TestSupport"]),
        // MARK: end of Feeds

        // BEGIN daemon: directory watching, systemd notification and signal handling for `planable-sync run`.
        .target(name: "Daemon", dependencies: ["CSystemd"]),
        .testTarget(name: "DaemonTests", dependencies: ["Daemon", "SyncEngine"]),
        // END daemon

        .testTarget(name: "SQLiteTests", dependencies: ["SQLite"]),
        .testTarget(name: "YAMLTests", dependencies: ["YAML"]),
        .testTarget(name: "HTTPClientTests", dependencies: ["HTTPClient"]),
        .testTarget(name: "TemplatesTests", dependencies: ["Templates", "YAML"]),
        .testTarget(
            name: "SyncEngineTests",
            dependencies: [
                "SyncEngine", "Feeds", "HTTPClient", "PlanableAPI", "PlanableReference", "Logging", "TestSupport",
            ]),
        .testTarget(
            name: "PlanableSyncCLITests",
            dependencies: ["HTTPClient", "PlanableAPI", "PlanableReference", "SQLite", "SyncEngine", "TestSupport"]),
        .target(name: "Networks"),
        .testTarget(name: "NetworksTests", dependencies: ["Networks"]),
        .target(name: "PlanPreview", dependencies: ["Networks"]),
        .testTarget(name: "PlanPreviewTests", dependencies: ["PlanPreview", "Networks"]),

        // BEGIN reference server targets
        .target(name: "HTTPServer", dependencies: ["CMicroHTTPD"]),
        .target(
            name: "PlanableReference",
            dependencies: [
                "HTTPServer", "SQLite", "YAML", "HTTPClient", "CCmark", "CCurl", "CSQLite", "Hashing", "Timestamps",
            ],
            exclude: ["Resources/openapi.json", "Resources/embed.py"]),
        .executableTarget(
            name: "reference-bench", dependencies: ["PlanableReference", "HTTPServer"], path: "Sources/ReferenceBench"),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "HTTPClient"]),
        .testTarget(
            name: "PlanableReferenceTests",
            dependencies: [
                "PlanableReference", "HTTPServer", "HTTPClient", "SQLite", "Hashing", "Timestamps", "TestSupport",
            ]),
        // END reference server targets

        // BEGIN resilience: crash, fault, hostile-input and secrets tests.
        .testTarget(
            name: "ResilienceTests",
            dependencies: [
                "Content", "Feeds", "HTTPClient", "Logging", "PlanableAPI", "PlanableReference", "SQLite", "SyncEngine",
                "Templates", "TestSupport", "YAML",
            ]),
        // END resilience
    ]
)
