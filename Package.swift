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
        .target(name: "ImageIO", dependencies: ["CPNG"], path: "Shared/ImageIO"),
        .target(name: "Emu3Testing", dependencies: ["RPC", "Emu3Proto", "NNG"], path: "Shared/Emu3Testing"),

        // MARK: - Text tokenizer
        .target(
            name: "TextTokenizerEngine", path: "Services/TextTokenizer/Engine",
            swiftSettings: engineSwiftSettings),
        .executableTarget(
            name: "emu3-text-tokenizer",
            dependencies: ["TextTokenizerEngine"] + serverDependencies,
            path: "Services/TextTokenizer/Server"),

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
            dependencies: ["VisionTokenizerEngine"] + serverDependencies,
            path: "Services/VisionTokenizer/Server"),

        // MARK: - Evaluator (scoring, DPO pairs)
        .target(name: "EvaluatorEngine", path: "Services/Evaluator/Engine"),
        .executableTarget(
            name: "emu3-evaluator",
            dependencies: ["EvaluatorEngine"] + serverDependencies,
            path: "Services/Evaluator/Server"),

        // MARK: - Orchestrator
        .target(
            name: "OrchestratorCore",
            dependencies: ["RPC", "Emu3Proto", "ImageIO"],
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
            name: "VisionTokenizerEngineTests", dependencies: ["VisionTokenizerEngine"],
            path: "Tests/VisionTokenizerEngineTests"),
        .testTarget(
            name: "OrchestratorCoreTests", dependencies: ["OrchestratorCore", "Emu3Proto"],
            path: "Tests/OrchestratorCoreTests"),
        .testTarget(name: "EvaluatorEngineTests", dependencies: ["EvaluatorEngine"], path: "Tests/EvaluatorEngineTests"),
        .testTarget(
            name: "EndToEndTests", dependencies: ["Emu3Testing", "RPC", "Emu3Proto", "NNG"],
            path: "Tests/EndToEndTests"),
    ]
)
