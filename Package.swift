// swift-tools-version:6.1
import PackageDescription

// Targets have one job each; only MadoguchiSites (and the CLI that starts it) sees the web framework.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "madoguchi",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "madoguchi", targets: ["madoguchi"]),
        // The counter terminal's card-reader agent (C7, #15): PC/SC in, HTTPS out to the staff site.
        .executable(name: "madoguchi-card-agent", targets: ["MadoguchiCardAgent"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", exact: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", exact: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", exact: "1.33.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", exact: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", exact: "1.35.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        .package(url: "https://github.com/vapor/multipart-kit.git", exact: "4.7.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", exact: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", exact: "2.37.6"),
    ],
    targets: [
        // Pure rules and value types: permissions, password policy, identifiers, the privacy guard.
        .target(
            name: "MadoguchiDomain",
            dependencies: [
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Child processes without Foundation's Process (see ProcessRunner), and blocking work off
        // the concurrency pool.
        .target(name: "MadoguchiProcess", swiftSettings: swiftSettings),
        // Content-addressed blob storage of document images (SHA-256), behind small interfaces:
        // files under the storage folder, or an S3-compatible bucket (SigV4 over AsyncHTTPClient).
        .target(
            name: "MadoguchiArchive",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        // libtiff, libjpeg(-turbo) and libpng behind a small C shim: their error handling uses
        // longjmp, which Swift cannot host, so every call into them is made from C.
        .systemLibrary(name: "CLibTIFF", pkgConfig: "libtiff-4", providers: [.apt(["libtiff-dev"])]),
        .systemLibrary(name: "CLibPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CLibJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg62-turbo-dev"])]),
        // QR codes on booking confirmations (the code staff scan at check-in).
        .systemLibrary(name: "CLibQREncode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        // Issuance-list QR codes on a scanned page (C2): zbar's decoder takes plain C calls with
        // return codes; a page uploaded as PDF is rendered by poppler into a cairo surface first.
        .systemLibrary(name: "CLibZBar", pkgConfig: "zbar", providers: [.apt(["libzbar-dev"])]),
        .systemLibrary(name: "CPopplerGlib", pkgConfig: "poppler-glib", providers: [.apt(["libpoppler-glib-dev"])]),
        // Handover checklists and receipts (C8): cairo's PDF surface with pango laying out Japanese
        // text in an embedded, subset IPAex font.
        .systemLibrary(name: "CPangoCairo", pkgConfig: "pangocairo", providers: [.apt(["libcairo2-dev", "libpango1.0-dev"])]),
        // Mail to residents (#16): MIME messages and an SMTP client over SwiftNIO (+ NIOSSL).
        .target(
            name: "MadoguchiMail",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // PC/SC (pcsc-lite; WinSCard has the same calls): the counter's card reader.
        .systemLibrary(name: "CPCSCLite", pkgConfig: "libpcsclite", providers: [.apt(["libpcsclite-dev"])]),
        // Reading the My Number card (C7): APDUs, BER-TLV, the certificate's notAfter, try
        // counters, and the files it must never touch. No web framework, no database.
        .target(
            name: "MadoguchiCardReader",
            dependencies: ["MadoguchiDomain", "CPCSCLite"],
            swiftSettings: swiftSettings
        ),
        // The agent on a counter terminal: long-polls the staff API for read jobs, reads, answers.
        .executableTarget(
            name: "MadoguchiCardAgent",
            dependencies: [
                "MadoguchiCardReader", "MadoguchiDomain",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CImaging",
            dependencies: ["CLibTIFF", "CLibPNG", "CLibJPEG"]
        ),
        // Scanned-form decoding, limits and PNG previews/thumbnails.
        .target(
            name: "MadoguchiImaging",
            dependencies: ["MadoguchiDomain", "MadoguchiProcess", "CImaging", "CLibQREncode", "CLibZBar", "CPopplerGlib"],
            swiftSettings: swiftSettings
        ),
        // Reports: CSV in UTF-8 with BOM or CP932 (iconv), streamed, and read back for imports;
        // SVG charts; the handover PDFs. No web framework.
        .target(
            name: "MadoguchiReports",
            dependencies: ["MadoguchiDomain", "CPangoCairo"],
            swiftSettings: swiftSettings
        ),
        // Operations jobs: snapshots (create, verify, restore, retention), the nightly schedule, and
        // the ledger and registry imports (read, check, write all-or-nothing).
        .target(
            name: "MadoguchiJobs",
            dependencies: [
                "MadoguchiDomain", "MadoguchiDatabase", "MadoguchiProcess", "MadoguchiArchive", "MadoguchiReports",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // PostgreSQL: the private cluster, migrations and the stores.
        .target(
            name: "MadoguchiDatabase",
            dependencies: [
                "MadoguchiDomain", "MadoguchiProcess",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The use-case layer: one desk per area (booking, slots, ledger, archive, intake, accounts,
        // statistics, operations, audit). A desk owns its transactions and writes its audit rows;
        // it takes a Caller value, never an HTTP request. Sites, CLI and workers all call desks.
        .target(
            name: "MadoguchiServices",
            dependencies: [
                "MadoguchiDomain", "MadoguchiDatabase", "MadoguchiArchive", "MadoguchiImaging", "MadoguchiJobs", "MadoguchiReports", "MadoguchiMail",
                "MadoguchiProcess",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The two HTTP sites (resident and staff): routes, middleware, templates, static assets.
        // HTTP only: parse, call one desk, render.
        .target(
            name: "MadoguchiSites",
            dependencies: [
                "MadoguchiServices",
                "MadoguchiDomain",
                "MadoguchiReports",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Templates"), .copy("Public"), .copy("OpenAPI")],
            swiftSettings: swiftSettings
        ),
        // Operator commands (serve, migrate, user, token, audit, version).
        .target(
            name: "MadoguchiCLI",
            dependencies: [
                "MadoguchiServices",
                "MadoguchiDomain",
                "MadoguchiDatabase",
                "MadoguchiArchive",
                "MadoguchiImaging",
                "MadoguchiJobs",
                "MadoguchiReports",
                "MadoguchiSites",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "madoguchi",
            dependencies: ["MadoguchiCLI"],
            swiftSettings: swiftSettings
        ),
        // Shared test fixtures: a throwaway private cluster and template databases.
        .target(
            name: "MadoguchiTestSupport",
            dependencies: ["MadoguchiDatabase", "MadoguchiDomain", "MadoguchiArchive", "MadoguchiProcess"],
            path: "Tests/MadoguchiTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MadoguchiDomainTests",
            dependencies: ["MadoguchiDomain"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MadoguchiArchiveTests",
            dependencies: ["MadoguchiArchive", "MadoguchiTestSupport", .product(name: "NIOCore", package: "swift-nio")],
            // The AWS Signature V4 test-suite vectors (botocore, Apache-2.0) are read from the source tree.
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MadoguchiImagingTests",
            dependencies: ["MadoguchiImaging", "MadoguchiDomain", "MadoguchiProcess"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MadoguchiDatabaseTests",
            dependencies: ["MadoguchiDatabase", "MadoguchiProcess", "MadoguchiTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MadoguchiCardReaderTests",
            dependencies: ["MadoguchiCardReader", "MadoguchiDomain", "MadoguchiTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MadoguchiReportsTests",
            dependencies: ["MadoguchiReports", "MadoguchiDomain", "MadoguchiProcess"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MadoguchiJobsTests",
            dependencies: ["MadoguchiJobs", "MadoguchiDatabase", "MadoguchiArchive", "MadoguchiTestSupport",
                           .product(name: "PostgresNIO", package: "postgres-nio")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MadoguchiSitesTests",
            dependencies: [
                "MadoguchiSites", "MadoguchiServices", "MadoguchiTestSupport", "MadoguchiCLI", "MadoguchiArchive", "MadoguchiDatabase", "MadoguchiMail", "MadoguchiProcess",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
