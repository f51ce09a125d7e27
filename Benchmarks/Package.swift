// swift-tools-version: 6.1
// Micro-benchmarks of RTPCore with ordo-one/package-benchmark. A package of its own, so that
// `swift test` at the root (and CI) never builds the benchmark machinery; run it through
// scripts/bench or `swift package --package-path Benchmarks benchmark`.
import PackageDescription

let package = Package(
  name: "RTPCoreBenchmarks",
  platforms: [.macOS(.v15)],
  dependencies: [
    .package(name: "rtpsynth", path: ".."),
    .package(
      url: "https://github.com/ordo-one/package-benchmark", from: "1.38.1",
      traits: ["MallocInterposer"]),
    .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
  ],
  targets: [
    .executableTarget(
      name: "RTPCoreBenchmarks",
      dependencies: [
        .product(name: "RTPCore", package: "rtpsynth"),
        .product(name: "Benchmark", package: "package-benchmark"),
        .product(name: "SystemPackage", package: "swift-system"),
      ],
      path: "RTPCoreBenchmarks",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
    ),
    // The in-process half of scripts/bench's comparison with librtpsynth's Python bindings. Not a
    // benchmark: the plugin runs every executable target whose directory sits directly in a
    // directory named Benchmarks, so this one lives a level deeper.
    .executableTarget(
      name: "PeerHarness",
      dependencies: [.product(name: "RTPCore", package: "rtpsynth")],
      path: "Harnesses/PeerHarness"
    ),
  ]
)
