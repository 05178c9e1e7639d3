// swift-tools-version: 6.0
import PackageDescription

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
        .library(name: "MazeRendering", targets: ["MazeRendering"]),
        .library(name: "RenderJobs", targets: ["RenderJobs"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        // `mazerender serve`: a small async HTTP/1.1 server on plain sockets (builds in seconds; see README).
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        // C libraries from Debian, each behind one shim header.
        .systemLibrary(name: "CLibPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CFFmpeg", pkgConfig: "libavfilter", providers: [
            .apt(["libavfilter-dev", "libavcodec-dev", "libavformat-dev", "libswscale-dev", "libavutil-dev"]),
        ]),

        // Every file mazerender writes: temporary file, fsync, rename; removed on SIGINT/SIGTERM.
        .target(name: "CInterruptCleanup"),
        .target(name: "OutputFiles", dependencies: ["CInterruptCleanup"]),

        // Safe Swift layers over the C libraries; they know nothing of mazes.
        .target(name: "CairoGraphics", dependencies: ["CCairo", "OutputFiles"]),
        .target(name: "VideoEncoding", dependencies: ["CFFmpeg", "OutputFiles"]),
        .target(name: "Charts", dependencies: ["CairoGraphics"]),

        // Simulate and observe.
        .target(name: "MazeSimulation"),
        .target(name: "MazeObservation", dependencies: ["MazeSimulation", "CLibPNG"]),

        // Policy network.
        .target(name: "Tensors", dependencies: ["COpenBLAS"]),
        .target(name: "ModelFiles", dependencies: ["Tensors", "OutputFiles", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .target(name: "ImpalaPolicy", dependencies: ["Tensors", "ModelFiles"]),
        .target(name: "ActivationPatching", dependencies: ["ImpalaPolicy", "MazeSimulation", "MazeObservation"]),

        // Analyse and draw.
        .target(name: "PolicyAnalysis", dependencies: [
            "MazeSimulation", "MazeObservation", "ImpalaPolicy", "ActivationPatching",
        ]),
        .target(name: "PolicyExperiments", dependencies: [
            "MazeSimulation", "ImpalaPolicy", "ActivationPatching", "PolicyAnalysis", "Statistics",
        ]),
        .target(name: "MazeRendering", dependencies: [
            "CairoGraphics", "MazeSimulation", "MazeObservation", "PolicyAnalysis",
        ]),

        // Numerics for the experiments (regressions, F-tests, splits); no maze knowledge. OpenBLAS carries the
        // Gram matrices and matrix-vector products of the Newton and ridge solvers (probes fit 1000 columns).
        .target(name: "Statistics", dependencies: ["COpenBLAS"]),

        // Orchestration and command line.
        .target(name: "RenderJobs", dependencies: [
            "MazeSimulation", "MazeObservation", "Tensors", "ModelFiles", "ImpalaPolicy", "ActivationPatching",
            "PolicyAnalysis", "MazeRendering", "CairoGraphics", "VideoEncoding", "OutputFiles", "PolicyExperiments", "Statistics", "Charts",
        ]),
        // Serve: the explorer's HTTP API and its page (no analysis of its own).
        .target(name: "Explorer", dependencies: [
            "RenderJobs", "MazeSimulation", "ImpalaPolicy", "ActivationPatching", "PolicyAnalysis", "Tensors",
            "MazeRendering", "CairoGraphics", .product(name: "FlyingFox", package: "FlyingFox"),
        ], resources: [
            .embedInCode("Page/explorer.html"), .embedInCode("Page/explorer.js"), .embedInCode("Page/explorer-draw.js"),
            .embedInCode("Page/explorer.css"),
        ]),
        .target(name: "MazerenderCLI", dependencies: [
            "RenderJobs", "Explorer", "MazeSimulation", "OutputFiles", "Tensors", "PolicyExperiments", "MazeObservation",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "mazerender", dependencies: ["MazerenderCLI", "OutputFiles"]),

        .testTarget(name: "OutputFilesTests", dependencies: ["OutputFiles", "CairoGraphics", "VideoEncoding", "ModelFiles"]),
        .testTarget(name: "PolicyExperimentsTests", dependencies: [
            "PolicyExperiments", "OutputFiles", "ActivationPatching", "ImpalaPolicy", "MazeSimulation", "MazeObservation",
            "PolicyAnalysis", "Statistics", "Tensors",
        ]),
        .testTarget(name: "MazeSimulationTests", dependencies: ["MazeSimulation"]),
        .testTarget(name: "MazeObservationTests", dependencies: ["MazeObservation", "MazeSimulation", "ModelFiles"]),
        .testTarget(name: "ModelFilesTests", dependencies: ["ModelFiles", "Tensors"]),
        .testTarget(name: "ImpalaPolicyTests", dependencies: ["ImpalaPolicy", "ActivationPatching", "ModelFiles", "Tensors"]),
        .testTarget(name: "CairoGraphicsTests", dependencies: ["CairoGraphics", "OutputFiles"]),
        .testTarget(name: "ChartsTests", dependencies: ["Charts", "CairoGraphics"]),
        .testTarget(name: "VideoEncodingTests", dependencies: ["VideoEncoding", "CFFmpeg", "OutputFiles"]),
        .testTarget(name: "MazeRenderingTests", dependencies: [
            "MazeRendering", "CairoGraphics", "MazeSimulation", "MazeObservation", "PolicyAnalysis", "ImpalaPolicy", "RenderJobs",
        ]),
        .testTarget(name: "PolicyAnalysisTests", dependencies: ["PolicyAnalysis", "ImpalaPolicy", "ActivationPatching", "MazeSimulation", "MazeObservation", "ModelFiles"]),
        .testTarget(name: "StatisticsTests", dependencies: ["Statistics"]),
        .testTarget(name: "ExplorerTests", dependencies: [
            "Explorer", "RenderJobs", "MazeSimulation", "ImpalaPolicy", "MazeObservation", "MazerenderCLI", "ModelFiles",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], exclude: ["browser_test.py"]),
        .testTarget(name: "MazerenderCLITests", dependencies: [
            "MazerenderCLI", "RenderJobs", "MazeSimulation", "VideoEncoding", "CairoGraphics", "ImpalaPolicy",
            "MazeObservation", "ModelFiles", "OutputFiles", "PolicyExperiments", "ActivationPatching", "PolicyAnalysis",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
    ]
)
