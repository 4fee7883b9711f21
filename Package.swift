// swift-tools-version:6.0
import PackageDescription

/// swift-stgcn: ST-GCN skeleton action recognition, compatible with the official PyTorch code.
///
/// Target layering (lower targets never import higher ones):
/// `CBLASLoader`, `CCPUFeatures`, `SeededRandom` → `STGCNTensor` → `STGCNModel` → `STGCNONNX`, `STGCNStreaming`, `STGCNTraining` → `STGCNAblation`,
/// `STGCNDistributed` (+ `CMPILoader`) → `STGCN` (umbrella) → `STGCNCLI`.
/// `SkeletonFormats` needs no other target; `SkeletonGraph` only `InputLimits` (the size limits on untrusted input);
/// `SkeletonData` adds `SeededRandom`.
let package = Package(
    name: "swift-stgcn",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "STGCN", targets: ["STGCN"]),
        .library(name: "SkeletonFormats", targets: ["SkeletonFormats"]),
        .library(name: "SkeletonGraph", targets: ["SkeletonGraph"]),
        .library(name: "InputLimits", targets: ["InputLimits"]),
        .library(name: "SkeletonData", targets: ["SkeletonData"]),
        .library(name: "SeededRandom", targets: ["SeededRandom"]),
        .library(name: "STGCNStreaming", targets: ["STGCNStreaming"]),
        .executable(name: "stgcn", targets: ["STGCNCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // OpenBLAS, loaded at run time once the kernel is chosen (Linux; Accelerate on macOS).
        .target(
            name: "CBLASLoader",
            linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]
        ),
        // Open MPI, loaded at run time only by a process that mpirun/srun started (Linux; no MPI needed to build).
        .target(
            name: "CMPILoader",
            linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]
        ),
        // CPUID/XCR0 feature flags and register-only FMA loops (the hardware's FP32 peak).
        .target(name: "CCPUFeatures"),
        // The seed mixer (SplitMix64) and the generator (xoshiro256**) behind every random choice.
        .target(name: "SeededRandom"),
        .target(
            name: "STGCNTensor",
            dependencies: [.target(name: "CBLASLoader", condition: .when(platforms: [.linux])), "CCPUFeatures", "SeededRandom"]
        ),
        // The size limits on untrusted input, and the memory check, in one place.
        .target(name: "InputLimits"),
        .target(name: "SkeletonFormats"),
        .target(name: "SkeletonGraph", dependencies: ["InputLimits"]),
        .target(name: "SkeletonData", dependencies: ["SkeletonFormats", "SkeletonGraph", "InputLimits", "SeededRandom"]),
        .target(
            name: "STGCNModel",
            dependencies: ["STGCNTensor", "SkeletonGraph", "SkeletonFormats", "InputLimits"]
        ),
        // ONNX export: needs only the model.
        .target(name: "STGCNONNX", dependencies: ["STGCNModel"]),
        .target(
            name: "STGCNTraining",
            dependencies: ["STGCNModel", "SkeletonFormats", "SkeletonGraph", "SkeletonData", "InputLimits", "Yams"]
        ),
        // Live recognition: tracking, windows, the stream engine, timelines.
        .target(name: "STGCNStreaming", dependencies: ["STGCNModel", "STGCNTensor", "SkeletonData", "InputLimits"]),
        // The paper's ablation study (Table 1): every variant trained by the shared Trainer.
        .target(name: "STGCNAblation", dependencies: ["STGCNTraining", "STGCNModel", "SkeletonFormats", "SkeletonGraph"]),
        // Data-parallel training over MPI: the TrainingCommunicator of an mpirun/srun job.
        .target(name: "STGCNDistributed", dependencies: ["CMPILoader", "STGCNTraining", "STGCNModel"]),
        .target(
            name: "STGCN",
            dependencies: ["InputLimits", "SeededRandom", "STGCNTensor", "SkeletonFormats", "SkeletonGraph", "SkeletonData", "STGCNModel", "STGCNONNX", "STGCNTraining", "STGCNAblation", "STGCNStreaming", "STGCNDistributed"]
        ),
        .executableTarget(
            name: "STGCNCLI",
            dependencies: ["STGCN", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .target(name: "STGCNTestSupport", dependencies: ["SkeletonFormats", "STGCNTensor"], path: "Tests/STGCNTestSupport",
                resources: [.copy("Resources")]),
        .testTarget(name: "SeededRandomTests", dependencies: ["SeededRandom"]),
        .testTarget(name: "STGCNTensorTests", dependencies: ["STGCNTensor"]),
        .testTarget(name: "SkeletonFormatsTests", dependencies: ["SkeletonFormats", "STGCNTestSupport"]),
        .testTarget(name: "SkeletonDataTests", dependencies: ["SkeletonData", "InputLimits", "SkeletonFormats", "SkeletonGraph", "STGCNTestSupport"]),
        .testTarget(name: "SkeletonGraphTests", dependencies: ["SkeletonGraph", "InputLimits", "SkeletonFormats", "STGCNTestSupport"]),
        .testTarget(name: "STGCNModelTests", dependencies: ["STGCNModel", "STGCNTensor", "SkeletonFormats", "SkeletonGraph"]),
        .testTarget(name: "STGCNTrainingTests", dependencies: ["STGCNTraining", "InputLimits", "STGCNModel", "STGCNTensor", "SkeletonFormats", "SkeletonGraph", "STGCNTestSupport"]),
        .testTarget(name: "STGCNAblationTests", dependencies: ["STGCNAblation", "STGCNTraining", "STGCNModel", "STGCNTensor", "SkeletonData", "SkeletonGraph", "SkeletonFormats"]),
        .testTarget(name: "STGCNDistributedTests", dependencies: ["STGCNDistributed", "STGCNTraining"]),
        .testTarget(name: "STGCNONNXTests", dependencies: ["STGCNONNX", "STGCNModel", "SkeletonGraph", "SkeletonFormats", "STGCNTestSupport"]),
        .testTarget(name: "STGCNStreamingTests", dependencies: ["STGCNStreaming", "STGCNModel", "STGCNTensor", "SkeletonData", "SkeletonGraph"]),
        .testTarget(name: "STGCNCLITests", dependencies: ["STGCNCLI", "STGCN", "STGCNTestSupport"]),
    ]
)
