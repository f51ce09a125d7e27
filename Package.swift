// swift-tools-version: 6.1
import PackageDescription

let package = Package(
  name: "rtpsynth",
  platforms: [.macOS(.v15)],
  products: [
    .library(name: "RTPCore", targets: ["RTPCore"]),
    .executable(name: "rtpgen", targets: ["rtpgen"]),
    .executable(name: "rtpjb", targets: ["rtpjb"]),
    .executable(name: "rtpulaw", targets: ["rtpulaw"]),
    .executable(name: "rtpresample", targets: ["rtpresample"]),
    .executable(name: "rtpsend", targets: ["rtpsend"]),
    .executable(name: "rtprecv", targets: ["rtprecv"]),
    .executable(name: "rtpstat", targets: ["rtpstat"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
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
    .target(name: "CNetShim"),
    .target(
      name: "RTPCore",
      dependencies: [
        "CSoxr", "CSndfile", "CZlib", "CLzma", "CNetShim", .product(name: "SystemPackage", package: "swift-system"),
      ]
    ),
    .target(
      name: "RTPToolSupport",
      dependencies: [
        "RTPCore",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "SystemPackage", package: "swift-system"),
      ]
    ),
    .executableTarget(
      name: "rtpgen",
      dependencies: [
        "RTPCore", "RTPToolSupport",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(
      name: "rtpjb",
      dependencies: [
        "RTPCore", "RTPToolSupport",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(
      name: "rtpulaw",
      dependencies: [
        "RTPCore", "RTPToolSupport",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(
      name: "rtpresample",
      dependencies: [
        "RTPCore", "RTPToolSupport",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(
      name: "rtpsend",
      dependencies: [
        "RTPCore", "RTPToolSupport",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(
      name: "rtprecv",
      dependencies: [
        "RTPCore", "RTPToolSupport",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(
      name: "rtpstat",
      dependencies: [
        "RTPCore", "RTPToolSupport",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .testTarget(
      name: "RTPCoreTests",
      dependencies: ["RTPCore", .product(name: "SystemPackage", package: "swift-system")]
    ),
    .testTarget(
      name: "ToolTests",
      dependencies: [
        "RTPCore", "rtpgen", "rtpjb", "rtpulaw", "rtpresample", "rtpsend", "rtprecv", "rtpstat",
      ]
    ),
  ]
)
