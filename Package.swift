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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
    ],
    targets: [
        // C libraries from Debian, each behind one shim header.
        .systemLibrary(name: "CLibPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),

        // Simulate and observe.
        .target(name: "MazeSimulation"),
        .target(name: "MazeObservation", dependencies: ["MazeSimulation", "CLibPNG"]),

        // Policy network.
        .target(name: "Tensors", dependencies: ["COpenBLAS"]),
        .target(name: "ModelFiles", dependencies: ["Tensors", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .target(name: "ImpalaPolicy", dependencies: ["Tensors", "ModelFiles"]),
        .target(name: "ActivationPatching", dependencies: ["ImpalaPolicy", "MazeSimulation", "MazeObservation"]),

        // Orchestration and command line.
        .target(name: "RenderJobs", dependencies: [
            "MazeSimulation", "MazeObservation", "Tensors", "ModelFiles", "ImpalaPolicy", "ActivationPatching",
        ]),
        .target(name: "MazerenderCLI", dependencies: [
            "RenderJobs", "MazeSimulation",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "mazerender", dependencies: ["MazerenderCLI"]),

        .testTarget(name: "MazeSimulationTests", dependencies: ["MazeSimulation"]),
        .testTarget(name: "MazeObservationTests", dependencies: ["MazeObservation", "MazeSimulation", "ModelFiles"]),
        .testTarget(name: "ModelFilesTests", dependencies: ["ModelFiles", "Tensors"]),
        .testTarget(name: "ImpalaPolicyTests", dependencies: ["ImpalaPolicy", "ActivationPatching", "ModelFiles", "Tensors"]),
        .testTarget(name: "MazerenderCLITests", dependencies: [
            "MazerenderCLI", "RenderJobs", "MazeSimulation",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
    ]
)
