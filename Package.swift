// swift-tools-version:6.1
// emu3-swift: a CPU serving stack for Emu3 (BAAI, arXiv 2409.18869).
// Every target names its directory (`path:`) so the tree matches the build graph.
import PackageDescription

/// Numeric engines are built optimised even in debug builds: `swift test` runs real
/// forward passes on tiny checkpoints, and unoptimised Swift loops are 20-50x slower.
let engineSwiftSettings: [SwiftSetting] = [.unsafeFlags(["-O"])]

/// What every service executable links besides its engine.
let serverDependencies: [Target.Dependency] = [
    "RPC", "Emu3Proto",
    .product(name: "ArgumentParser", package: "swift-argument-parser"),
    .product(name: "Logging", package: "swift-log"),
]

let package = Package(
    name: "emu3-swift",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "emu3-text-tokenizer", targets: ["emu3-text-tokenizer"]),
        .executable(name: "emu3-vision-tokenizer", targets: ["emu3-vision-tokenizer"]),
        .executable(name: "emu3-backbone", targets: ["emu3-backbone"]),
        .executable(name: "emu3-evaluator", targets: ["emu3-evaluator"]),
        .executable(name: "emu3-orchestrator", targets: ["emu3-orchestrator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // MARK: - C libraries from Debian (module maps only)
        .systemLibrary(name: "CNNG", path: "Shared/CNNG"),
        .systemLibrary(name: "COpenBLAS", path: "Shared/COpenBLAS"),
        .systemLibrary(name: "CPNG", path: "Shared/CPNG"),

        // MARK: - Shared
        // protoc-c output for proto/emu3/v1 (generated, committed, checked by ProtoFreshnessTests).
        .target(
            name: "CEmu3Proto", path: "Shared/CEmu3Proto",
            publicHeadersPath: "include",
            linkerSettings: [.linkedLibrary("protobuf-c")]),
        // Small C kernels that need intrinsics (BF16, VNNI) with run-time CPU dispatch.
        .target(
            name: "CKernels", path: "Shared/CKernels",
            publicHeadersPath: "include",
            cSettings: [.unsafeFlags(["-O3"])]),
        .target(name: "NNG", dependencies: ["CNNG"], path: "Shared/NNG"),
        .target(name: "Emu3Proto", dependencies: ["CEmu3Proto"], path: "Shared/Emu3Proto"),
        .target(
            name: "RPC",
            dependencies: [
                "NNG", "Emu3Proto",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Shared/RPC"),
        .target(
            name: "Tensor", dependencies: ["COpenBLAS", "CKernels"], path: "Shared/Tensor",
            swiftSettings: engineSwiftSettings),
        .target(name: "SafeTensors", path: "Shared/SafeTensors", swiftSettings: engineSwiftSettings),
        // libpng calls behind setjmp (Swift cannot call setjmp safely); used only by ImageIO.
        .target(
            name: "CPNGShim", path: "Shared/CPNGShim",
            publicHeadersPath: "include",
            cSettings: [.unsafeFlags(["-O2"])],
            linkerSettings: [.linkedLibrary("png16"), .linkedLibrary("z")]),
        .target(name: "ImageIO", dependencies: ["CPNG", "CPNGShim"], path: "Shared/ImageIO",
                swiftSettings: engineSwiftSettings),
        .target(name: "Emu3Testing", dependencies: ["RPC", "Emu3Proto", "NNG"], path: "Shared/Emu3Testing"),

        // MARK: - Text tokenizer
        .target(
            name: "TextTokenizerEngine", path: "Services/TextTokenizer/Engine",
            swiftSettings: engineSwiftSettings),
        .executableTarget(
            name: "emu3-text-tokenizer",
            dependencies: ["TextTokenizerEngine"] + serverDependencies,
            path: "Services/TextTokenizer/Server"),
        // Throughput and load time beside tiktoken (`make bench`; not part of `swift test`).
        .executableTarget(
            name: "emu3-bench-text", dependencies: ["TextTokenizerEngine"], path: "Benchmarks/text-tokenizer",
            swiftSettings: engineSwiftSettings),

        // MARK: - Backbone
        .target(
            name: "BackboneEngine",
            dependencies: ["Tensor", "SafeTensors", .product(name: "Logging", package: "swift-log")],
            path: "Services/Backbone/Engine",
            swiftSettings: engineSwiftSettings),
        .executableTarget(
            name: "emu3-backbone",
            dependencies: ["BackboneEngine"] + serverDependencies,
            path: "Services/Backbone/Server"),

        // Not a test: `make bench` runs every emu3-bench-* executable (release).
        .executableTarget(
            name: "emu3-bench-backbone", dependencies: ["BackboneEngine", "Tensor"], path: "Benchmarks/Backbone",
            swiftSettings: engineSwiftSettings),

        // MARK: - Vision tokenizer
        .target(
            name: "VisionTokenizerEngine",
            dependencies: ["Tensor", "SafeTensors", "ImageIO", .product(name: "Logging", package: "swift-log")],
            path: "Services/VisionTokenizer/Engine",
            swiftSettings: engineSwiftSettings),
        .executableTarget(
            name: "emu3-vision-tokenizer",
            dependencies: ["VisionTokenizerEngine", "ImageIO"] + serverDependencies,
            path: "Services/VisionTokenizer/Server"),

        // MARK: - Evaluator (scoring, DPO pairs)
        .target(name: "EvaluatorEngine", path: "Services/Evaluator/Engine"),
        .executableTarget(
            name: "emu3-evaluator",
            dependencies: ["EvaluatorEngine"] + serverDependencies,
            path: "Services/Evaluator/Server"),

        // MARK: - Orchestrator
        // fork/exec with prctl(PR_SET_PDEATHSIG) and setsid for the supervisor (`up`).
        .target(name: "CSpawn", path: "Services/Orchestrator/CSpawn", publicHeadersPath: "include"),
        .target(
            name: "OrchestratorCore",
            dependencies: ["RPC", "Emu3Proto", "ImageIO", "CSpawn"],
            path: "Services/Orchestrator/Core"),
        .executableTarget(
            name: "emu3-orchestrator",
            dependencies: ["OrchestratorCore"] + serverDependencies,
            path: "Services/Orchestrator/CLI"),

        // MARK: - Tests
        .testTarget(name: "NNGTests", dependencies: ["NNG"], path: "Tests/NNGTests"),
        .testTarget(
            name: "RPCTests", dependencies: ["RPC", "Emu3Proto", "CEmu3Proto", "NNG", "Emu3Testing"],
            path: "Tests/RPCTests"),
        .testTarget(name: "TensorTests", dependencies: ["Tensor"], path: "Tests/TensorTests"),
        .testTarget(name: "SafeTensorsTests", dependencies: ["SafeTensors"], path: "Tests/SafeTensorsTests"),
        .testTarget(name: "ImageIOTests", dependencies: ["ImageIO"], path: "Tests/ImageIOTests"),
        .testTarget(
            name: "TextTokenizerEngineTests", dependencies: ["TextTokenizerEngine"],
            path: "Tests/TextTokenizerEngineTests"),
        .testTarget(
            name: "BackboneEngineTests", dependencies: ["BackboneEngine"],
            path: "Tests/BackboneEngineTests"),
        .testTarget(
            name: "VisionTokenizerEngineTests", dependencies: ["VisionTokenizerEngine", "Tensor", "ImageIO"],
            path: "Tests/VisionTokenizerEngineTests"),
        .testTarget(
            name: "OrchestratorCoreTests", dependencies: ["OrchestratorCore", "Emu3Proto"],
            path: "Tests/OrchestratorCoreTests"),
        .testTarget(name: "EvaluatorEngineTests", dependencies: ["EvaluatorEngine"], path: "Tests/EvaluatorEngineTests"),
        .testTarget(
            name: "EndToEndTests", dependencies: ["Emu3Testing", "RPC", "Emu3Proto", "NNG", "OrchestratorCore", "ImageIO", "SafeTensors"],
            path: "Tests/EndToEndTests"),
    ]
)

// MARK: - Benchmarks (outside `swift test`): EMU3_BENCHMARKS=1 swift build -c release --product VisionTokenizerBenchmarks
// Driven by Benchmarks/VisionTokenizer/run.sh, which also runs the PyTorch side on the same weights.
if Context.environment["EMU3_BENCHMARKS"] != nil {
    package.products.append(.executable(name: "VisionTokenizerBenchmarks", targets: ["VisionTokenizerBenchmarks"]))
    package.targets.append(
        .executableTarget(
            name: "VisionTokenizerBenchmarks", dependencies: ["VisionTokenizerEngine", "ImageIO", "Tensor"],
            path: "Benchmarks/VisionTokenizer", exclude: ["run.sh"], swiftSettings: engineSwiftSettings))
}
