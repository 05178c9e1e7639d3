// swift-tools-version: 6.0
import PackageDescription

// Data flow, bottom to top: C libraries → safe wrappers and file writers → simulate → observe → policy → patch →
// analyse → draw / experiment → jobs (one target per role over JobSupport) → front ends (CLI, explorer).
// Each target declares exactly the modules its files import (Scripts/check-dependencies, run in CI).
let package = Package(
    name: "mazerender",
    products: [
        .executable(name: "mazerender", targets: ["mazerender"]),
        .library(name: "MazeSimulation", targets: ["MazeSimulation"]),
        .library(name: "MazeObservation", targets: ["MazeObservation"]),
        .library(name: "ImpalaPolicy", targets: ["ImpalaPolicy"]),
        .library(name: "ActivationPatching", targets: ["ActivationPatching"]),
        // For the libFuzzer harnesses in Fuzz/ (a separate package; see Scripts/fuzz.sh).
        .library(name: "ModelFiles", targets: ["ModelFiles"]),
        .library(name: "PolicyAnalysis", targets: ["PolicyAnalysis"]),
        .library(name: "MazeRendering", targets: ["MazeRendering"]),
        .library(name: "MazerenderJobs", targets: ["JobSupport", "FigureJobs", "VideoJobs", "AnimationJobs", "DataJobs", "ExperimentJobs"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        // `mazerender serve`: a small async HTTP/1.1 server on plain sockets (builds in seconds; see README).
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
        // `swift package generate-documentation`: DocC for the library targets (a command plugin; nothing links it).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // C libraries from Debian, each behind one shim header.
        .systemLibrary(name: "CLibPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CFFmpeg", pkgConfig: "libavfilter", providers: [
            .apt(["libavfilter-dev", "libavcodec-dev", "libavformat-dev", "libswscale-dev", "libavutil-dev"]),
        ]),

        // Every file mazerender writes: temporary file, fsync, rename; removed on SIGINT/SIGTERM. CSV, JSON and
        // JSON-lines writers.
        .target(name: "CInterruptCleanup"),
        .target(name: "OutputFiles", dependencies: ["CInterruptCleanup"]),

        // Safe Swift layers over the C libraries; they know nothing of mazes.
        .target(name: "CairoGraphics", dependencies: ["CCairo", "OutputFiles"]),
        .target(name: "VideoEncoding", dependencies: ["CFFmpeg", "OutputFiles"]),
        .target(name: "Charts", dependencies: ["CairoGraphics"]),

        // Simulate (levels, dynamics, edits, seed lists) and observe (procgen-exact 64x64 images).
        .target(name: "MazeSimulation"),
        .target(name: "MazeObservation", dependencies: ["MazeSimulation", "CLibPNG"]),

        // Policy network.
        .target(name: "Tensors", dependencies: ["COpenBLAS"]),
        .target(name: "ModelFiles", dependencies: ["Tensors", "OutputFiles", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .target(name: "ImpalaPolicy", dependencies: ["Tensors", "ModelFiles"]),
        .target(name: "ActivationPatching", dependencies: ["ImpalaPolicy", "Tensors"]),
        // The reverse pass: gradients of one output per observation to the input or a site, through patches.
        .target(name: "PolicyGradients", dependencies: ["ImpalaPolicy", "Tensors"]),
        // Attribution over the reverse pass: saliency, gradient x input, integrated gradients (captum's rules).
        .target(name: "Attribution", dependencies: ["ImpalaPolicy", "PolicyGradients", "Tensors"]),

        // Analyse (vector fields, rollouts, patch resolution), experiment, draw.
        .target(name: "PolicyAnalysis", dependencies: [
            "MazeSimulation", "MazeObservation", "ImpalaPolicy", "ActivationPatching", "Tensors",
        ]),
        // Numerics for the experiments (regressions, F-tests, splits); no maze knowledge. OpenBLAS carries the
        // Gram matrices and matrix-vector products of the Newton and ridge solvers (probes fit 1000 columns).
        .target(name: "Statistics", dependencies: ["COpenBLAS"]),
        .target(name: "PolicyExperiments", dependencies: [
            "MazeSimulation", "ImpalaPolicy", "ActivationPatching", "OutputFiles", "PolicyAnalysis", "Statistics", "Tensors",
        ]),
        .target(name: "MazeRendering", dependencies: [
            "CairoGraphics", "ImpalaPolicy", "MazeSimulation", "MazeObservation", "PolicyAnalysis",
        ]),

        // Jobs: settings in, files out, one shape (`Job`: a settings value, a progress callback, a result value),
        // errors that name settings, never command-line flags. One target per role over JobSupport.
        .target(name: "JobSupport", dependencies: ["ImpalaPolicy", "MazeObservation", "OutputFiles", "PolicyAnalysis"]),
        .target(name: "FigureJobs", dependencies: [
            "JobSupport", "ActivationPatching", "CairoGraphics", "ImpalaPolicy", "MazeObservation", "MazeRendering",
            "MazeSimulation", "OutputFiles", "PolicyAnalysis", "Tensors",
        ]),
        .target(name: "VideoJobs", dependencies: [
            "JobSupport", "ActivationPatching", "CairoGraphics", "ImpalaPolicy", "MazeObservation", "MazeRendering",
            "MazeSimulation", "OutputFiles", "PolicyAnalysis", "VideoEncoding",
        ]),
        // `mazerender animate`: videos whose frames vary one thing (a patch parameter swept, a rollout with the
        // network's insides, the checkpoint: `evaluate`'s success rate from ExperimentJobs), drawn whole on a
        // canvas over VideoJobs' `CanvasVideo`.
        .target(name: "AnimationJobs", dependencies: [
            "JobSupport", "VideoJobs", "ExperimentJobs", "ActivationPatching", "CairoGraphics", "Charts", "ImpalaPolicy",
            "MazeObservation", "MazeRendering", "MazeSimulation", "OutputFiles", "PolicyAnalysis", "PolicyExperiments",
            "Statistics",
        ]),
        .target(name: "DataJobs", dependencies: [
            "JobSupport", "ActivationPatching", "ImpalaPolicy", "MazeObservation", "MazeSimulation", "ModelFiles",
            "OutputFiles", "PolicyAnalysis", "Tensors",
        ]),
        .target(name: "ExperimentJobs", dependencies: [
            "JobSupport", "FigureJobs", "ActivationPatching", "CairoGraphics", "Charts", "ImpalaPolicy",
            "MazeObservation", "MazeRendering", "MazeSimulation", "OutputFiles", "PolicyAnalysis", "PolicyExperiments",
            "Statistics", "Attribution", "PolicyGradients",
        ]),
        .target(name: "AttributionJobs", dependencies: [
            "JobSupport", "ActivationPatching", "Attribution", "CairoGraphics", "ImpalaPolicy", "MazeObservation",
            "MazeRendering", "MazeSimulation", "ModelFiles", "OutputFiles", "PolicyAnalysis", "PolicyGradients", "Tensors",
        ]),
        // Benchmarks: timing of each stage against its anchor; not part of the library products.
        .target(name: "MazerenderBenchmarks", dependencies: [
            "JobSupport", "VideoJobs", "AnimationJobs", "ActivationPatching", "Attribution", "CairoGraphics", "ImpalaPolicy", "MazeObservation", "MazeRendering",
            "MazeSimulation", "ModelFiles", "OutputFiles", "PolicyAnalysis", "Tensors",
        ]),

        // Front ends. The explorer serves vector fields, figures and rollouts over HTTP (no video, charts or
        // experiments); the CLI is the only place that knows option names.
        .target(name: "Explorer", dependencies: [
            "FigureJobs", "ActivationPatching", "CairoGraphics", "ImpalaPolicy", "MazeRendering", "MazeSimulation",
            "OutputFiles", "PolicyAnalysis", "Tensors", "Attribution", "PolicyGradients",
            .product(name: "FlyingFox", package: "FlyingFox"), .product(name: "FlyingSocks", package: "FlyingFox"),
        ], resources: [
            .embedInCode("Page/explorer.html"), .embedInCode("Page/explorer.js"), .embedInCode("Page/explorer-draw.js"),
            .embedInCode("Page/explorer.css"),
        ]),
        .target(name: "MazerenderCLI", dependencies: [
            "JobSupport", "FigureJobs", "VideoJobs", "AnimationJobs", "DataJobs", "ExperimentJobs", "AttributionJobs", "MazerenderBenchmarks",
            "Explorer", "ActivationPatching", "Attribution", "ImpalaPolicy", "MazeObservation", "MazeRendering", "MazeSimulation", "ModelFiles", "OutputFiles",
            "PolicyAnalysis", "PolicyExperiments", "Tensors",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "mazerender", dependencies: ["MazerenderCLI", "OutputFiles"]),

        // Shared by the test targets: package and reference paths (one clear line when ../shared/reference is
        // missing), scratch folders, the slow-suite switch.
        .target(name: "TestSupport", dependencies: ["ImpalaPolicy", "JobSupport", "MazeObservation"], path: "Tests/TestSupport"),
        .testTarget(name: "OutputFilesTests", dependencies: ["OutputFiles", "CairoGraphics", "VideoEncoding", "ModelFiles", "TestSupport"]),
        .testTarget(name: "CairoGraphicsTests", dependencies: ["CairoGraphics", "OutputFiles", "TestSupport"]),
        .testTarget(name: "VideoEncodingTests", dependencies: ["VideoEncoding", "CFFmpeg", "OutputFiles", "TestSupport"]),
        .testTarget(name: "ChartsTests", dependencies: ["Charts", "CairoGraphics"]),
        .testTarget(name: "MazeSimulationTests", dependencies: ["MazeSimulation", "TestSupport"]),
        .testTarget(name: "MazeObservationTests", dependencies: ["MazeObservation", "MazeSimulation", "ModelFiles", "TestSupport"]),
        .testTarget(name: "ModelFilesTests", dependencies: ["ModelFiles", "Tensors", "TestSupport"]),
        .testTarget(name: "ImpalaPolicyTests", dependencies: ["ImpalaPolicy", "ActivationPatching", "ModelFiles", "Tensors", "TestSupport"]),
        .testTarget(name: "PolicyGradientsTests", dependencies: [
            "PolicyGradients", "ImpalaPolicy", "ActivationPatching", "ModelFiles", "Tensors", "TestSupport",
        ]),
        .testTarget(name: "AttributionTests", dependencies: [
            "Attribution", "PolicyGradients", "ImpalaPolicy", "ActivationPatching", "ModelFiles", "Tensors", "TestSupport",
        ]),
        .testTarget(name: "PolicyAnalysisTests", dependencies: [
            "PolicyAnalysis", "ImpalaPolicy", "ActivationPatching", "MazeSimulation", "MazeObservation", "Tensors", "TestSupport",
        ]),
        .testTarget(name: "StatisticsTests", dependencies: ["Statistics", "TestSupport"]),
        .testTarget(name: "PolicyExperimentsTests", dependencies: [
            "PolicyExperiments", "OutputFiles", "ActivationPatching", "ImpalaPolicy", "MazeSimulation", "MazeObservation",
            "PolicyAnalysis", "Statistics", "Tensors", "TestSupport",
        ]),
        .testTarget(name: "MazeRenderingTests", dependencies: [
            "MazeRendering", "CairoGraphics", "MazeSimulation", "MazeObservation", "PolicyAnalysis", "ImpalaPolicy", "TestSupport",
        ], exclude: ["Golden"]),
        .testTarget(name: "JobSupportTests", dependencies: ["JobSupport", "MazeObservation", "OutputFiles", "TestSupport"]),
        .testTarget(name: "FigureJobsTests", dependencies: [
            "FigureJobs", "JobSupport", "MazeRendering", "CairoGraphics", "MazeObservation", "ImpalaPolicy", "OutputFiles",
            "TestSupport",
        ]),
        .testTarget(name: "VideoJobsTests", dependencies: [
            "VideoJobs", "JobSupport", "VideoEncoding", "CairoGraphics", "MazeSimulation", "PolicyAnalysis", "TestSupport",
        ]),
        .testTarget(name: "AnimationJobsTests", dependencies: [
            "AnimationJobs", "JobSupport", "ActivationPatching", "FigureJobs", "MazeSimulation", "VideoEncoding",
            "VideoJobs", "TestSupport",
        ]),
        .testTarget(name: "DataJobsTests", dependencies: [
            "DataJobs", "JobSupport", "MazeObservation", "MazeSimulation", "ModelFiles", "OutputFiles", "PolicyAnalysis",
            "TestSupport",
        ]),
        .testTarget(name: "ExperimentJobsTests", dependencies: [
            "ExperimentJobs", "Charts", "JobSupport", "ActivationPatching", "ImpalaPolicy", "MazeObservation", "MazeSimulation",
            "OutputFiles", "PolicyAnalysis", "PolicyExperiments", "Statistics", "TestSupport",
        ]),
        .testTarget(name: "AttributionJobsTests", dependencies: ["AttributionJobs", "JobSupport", "MazeSimulation", "TestSupport"]),
        .testTarget(name: "MazerenderBenchmarksTests", dependencies: ["MazerenderBenchmarks", "MazeSimulation", "TestSupport"]),
        .testTarget(name: "ExplorerTests", dependencies: [
            "Explorer", "FigureJobs", "JobSupport", "MazeSimulation", "MazeObservation", "MazerenderCLI", "ModelFiles", "OutputFiles", "TestSupport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], exclude: ["browser_test.py"]),
        .testTarget(name: "MazerenderCLITests", dependencies: [
            "MazerenderCLI", "JobSupport", "FigureJobs", "VideoJobs", "AnimationJobs", "DataJobs", "ExperimentJobs", "MazeSimulation",
            "ImpalaPolicy", "MazeObservation", "OutputFiles", "PolicyExperiments", "ActivationPatching", "PolicyAnalysis",
            "PolicyGradients", "ModelFiles", "Tensors", "TestSupport", "Attribution", "VideoEncoding",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
    ]
)
