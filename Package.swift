// swift-tools-version: 6.1
import PackageDescription

let package = Package(
  name: "rtpsynth",
  platforms: [.macOS(.v15)],
  products: [
    .library(name: "RTPCore", targets: ["RTPCore"]),
    .library(name: "RTPBase", targets: ["RTPBase"]),
    .library(name: "RTPIO", targets: ["RTPIO"]),
    .library(name: "RTPPackets", targets: ["RTPPackets"]),
    .library(name: "RTPCaptures", targets: ["RTPCaptures"]),
    .library(name: "RTPAudio", targets: ["RTPAudio"]),
    .library(name: "RTPCodecs", targets: ["RTPCodecs"]),
    .library(name: "RTPSignalling", targets: ["RTPSignalling"]),
    .library(name: "RTPGeneration", targets: ["RTPGeneration"]),
    .library(name: "RTPPlayout", targets: ["RTPPlayout"]),
    .library(name: "RTPNetwork", targets: ["RTPNetwork"]),
    .library(name: "RTPSessions", targets: ["RTPSessions"]),
    .library(name: "RTPAnalysis", targets: ["RTPAnalysis"]),
    .library(name: "RTPSecurity", targets: ["RTPSecurity"]),
    .executable(name: "rtpgen", targets: ["rtpgen"]),
    .executable(name: "rtpjb", targets: ["rtpjb"]),
    .executable(name: "rtpulaw", targets: ["rtpulaw"]),
    .executable(name: "rtpresample", targets: ["rtpresample"]),
    .executable(name: "rtpsend", targets: ["rtpsend"]),
    .executable(name: "rtprecv", targets: ["rtprecv"]),
    .executable(name: "rtpstat", targets: ["rtpstat"]),
    .executable(name: "rtpdec", targets: ["rtpdec"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    // `swift package generate-documentation` (scripts/docs); a plugin, built only when asked.
    .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
  ],
  targets: [
    .systemLibrary(
      name: "CSoxr",
      pkgConfig: "soxr",
      providers: [.apt(["libsoxr-dev"])]
    ),
    .systemLibrary(
      name: "CSndfile",
      pkgConfig: "sndfile",
      providers: [.apt(["libsndfile1-dev"])]
    ),
    .systemLibrary(
      name: "CZlib",
      pkgConfig: "zlib",
      providers: [.apt(["zlib1g-dev"])]
    ),
    .systemLibrary(
      name: "CLzma",
      pkgConfig: "liblzma",
      providers: [.apt(["liblzma-dev"])]
    ),
    .systemLibrary(
      name: "COpus",
      pkgConfig: "opus",
      providers: [.apt(["libopus-dev"])]
    ),
    .systemLibrary(
      name: "CSpeex",
      pkgConfig: "speex",
      providers: [.apt(["libspeex-dev"])]
    ),
    .systemLibrary(
      name: "CSpanDSP",
      pkgConfig: "spandsp",
      providers: [.apt(["libspandsp-dev"])]
    ),
    .systemLibrary(name: "CGSM", providers: [.apt(["libgsm1-dev"])]),
    .systemLibrary(
      name: "CBcg729",
      pkgConfig: "libbcg729",
      providers: [.apt(["libbcg729-dev"])]
    ),
    .systemLibrary(
      name: "COpenCoreAMR",
      pkgConfig: "opencore-amrnb",
      providers: [.apt(["libopencore-amrnb-dev", "libopencore-amrwb-dev", "libvo-amrwbenc-dev"])]
    ),
    .systemLibrary(
      name: "CSRTP",
      pkgConfig: "libsrtp2",
      providers: [.apt(["libsrtp2-dev"])]
    ),
    .target(name: "CNetShim"),
    // The library's layers, lowest first: each imports only layers above it in this list, as
    // the README's Architecture section draws them. RTPCore re-exports them all.
    .target(
      name: "RTPBase", dependencies: [.product(name: "SystemPackage", package: "swift-system")]
    ),
    .target(
      name: "RTPIO",
      dependencies: [
        "RTPBase", "CZlib", "CLzma", .product(name: "SystemPackage", package: "swift-system"),
      ]
    ),
    .target(name: "RTPPackets", dependencies: ["RTPBase"]),
    .target(name: "RTPCaptures", dependencies: ["RTPBase", "RTPIO", "RTPPackets"]),
    .target(
      name: "RTPAudio",
      dependencies: [
        "RTPBase", "RTPIO", "CSndfile", "CSoxr",
        .product(name: "SystemPackage", package: "swift-system"),
      ]
    ),
    .target(
      name: "RTPCodecs",
      dependencies: [
        "RTPBase", "RTPPackets", "RTPAudio", "COpus", "CSpanDSP", "CSpeex", "CGSM", "CBcg729",
        "COpenCoreAMR",
      ]
    ),
    .target(
      name: "RTPSignalling",
      dependencies: ["RTPBase", "RTPIO", "RTPPackets", "RTPCaptures", "RTPCodecs"]
    ),
    .target(
      name: "RTPGeneration",
      dependencies: ["RTPBase", "RTPIO", "RTPPackets", "RTPCaptures", "RTPAudio", "RTPCodecs"]
    ),
    .target(
      name: "RTPPlayout",
      dependencies: ["RTPBase", "RTPIO", "RTPPackets", "RTPCaptures", "RTPAudio", "RTPCodecs"]
    ),
    .target(
      name: "RTPNetwork",
      dependencies: [
        "RTPBase", "RTPIO", "RTPPackets", "RTPCaptures", "CNetShim",
        .product(name: "SystemPackage", package: "swift-system"),
      ]
    ),
    .target(
      name: "RTPSessions",
      dependencies: ["RTPBase", "RTPPackets", "RTPCaptures", "RTPPlayout", "RTPNetwork"]
    ),
    .target(name: "RTPAnalysis", dependencies: ["RTPBase", "RTPPackets", "RTPCaptures"]),
    .target(name: "RTPSecurity", dependencies: ["RTPBase", "RTPPackets", "CSRTP"]),
    .target(
      name: "RTPCore",
      dependencies: [
        "RTPBase", "RTPIO", "RTPPackets", "RTPCaptures", "RTPAudio", "RTPCodecs", "RTPSignalling",
        "RTPGeneration", "RTPPlayout", "RTPNetwork", "RTPSessions", "RTPAnalysis", "RTPSecurity",
      ]
    ),
    .target(
      name: "RTPToolSupport",
      dependencies: [
        "RTPAudio", "RTPBase", "RTPCaptures", "RTPCodecs", "RTPIO", "RTPNetwork", "RTPSessions",
        "RTPSignalling",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "SystemPackage", package: "swift-system"),
      ]
    ),
    .executableTarget(
      name: "rtpgen",
      dependencies: [
        "RTPAudio", "RTPCaptures", "RTPCodecs", "RTPGeneration", "RTPIO", "RTPPackets",
        "RTPToolSupport", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(
      name: "rtpjb",
      dependencies: [
        "RTPCaptures", "RTPIO", "RTPPlayout", "RTPSecurity", "RTPToolSupport",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(
      name: "rtpulaw",
      dependencies: [
        "RTPAudio", "RTPToolSupport",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(
      name: "rtpresample",
      dependencies: [
        "RTPAudio", "RTPToolSupport",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(
      name: "rtpsend",
      dependencies: [
        "RTPBase", "RTPCaptures", "RTPIO", "RTPNetwork", "RTPPackets", "RTPSessions", "RTPToolSupport",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(
      name: "rtprecv",
      dependencies: [
        "RTPBase", "RTPCaptures", "RTPIO", "RTPNetwork", "RTPPackets", "RTPSessions", "RTPToolSupport",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(
      name: "rtpstat",
      dependencies: [
        "RTPAnalysis", "RTPBase", "RTPCaptures", "RTPCodecs", "RTPIO", "RTPPackets", "RTPSignalling",
        "RTPToolSupport",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "SystemPackage", package: "swift-system"),
      ]
    ),
    .executableTarget(
      name: "rtpdec",
      dependencies: [
        "RTPAudio", "RTPBase", "RTPCaptures", "RTPCodecs", "RTPIO", "RTPPackets", "RTPPlayout",
        "RTPSecurity", "RTPSignalling", "RTPToolSupport",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // An embedder's program: a session on RTPCore's public API only (no @testable, no package
    // declarations), built by every `swift build` and run by ToolTests.
    .executableTarget(
      name: "midi-session",
      dependencies: ["RTPCore"],
      path: "Examples/MIDISession"
    ),
    .testTarget(
      name: "RTPCoreTests",
      dependencies: ["RTPCore", .product(name: "SystemPackage", package: "swift-system")]
    ),
    .testTarget(
      name: "ToolTests",
      dependencies: [
        "RTPCore", "rtpgen", "rtpjb", "rtpulaw", "rtpresample", "rtpsend", "rtprecv", "rtpstat",
        "rtpdec", "midi-session",
      ]
    ),
  ]
)
