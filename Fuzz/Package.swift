// swift-tools-version: 6.0
// libFuzzer harnesses for every reader of outside input in mazerender. A separate package so that the main
// package's `swift build` / `swift test` never build them; run them all with `Scripts/fuzz.sh [SECONDS]`, or one:
//
//   swift build -c release --package-path Fuzz -Xswiftc -sanitize=fuzzer,address --product SeedListFuzzer
//   Fuzz/.build/release/SeedListFuzzer Fuzz/Corpus/SeedListFuzzer
//
// Each harness exports `LLVMFuzzerTestOneInput`, and `<target>_main`, which SwiftPM makes the program's `main`
// (instead of libFuzzer's), starting libFuzzer through `LLVMFuzzerRunDriver`; hence `-parse-as-library`.
import Foundation
import PackageDescription

/// SwiftPM names a path dependency after its folder, which is whatever the checkout is called.
let mainPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .lastPathComponent.lowercased()

/// Harness -> the main package's library products it reads with.
let harnesses: [(name: String, products: [String])] = [
    ("PickleFuzzer", ["ModelFiles"]),
    ("LegacyCheckpointFuzzer", ["ModelFiles"]),
    ("ZipCheckpointFuzzer", ["ModelFiles"]),
    ("SafeTensorsFuzzer", ["ModelFiles"]),
    ("NumpyFuzzer", ["ModelFiles"]),
    ("FigureTemplateFuzzer", ["MazeRendering", "ActivationPatching"]),
    ("PatchSpecFuzzer", ["ActivationPatching"]),
    ("SeedListFuzzer", ["MazeSimulation"]),
    ("VariantSpecFuzzer", ["MazerenderJobs"]),
]

let package = Package(
    name: "mazerender-fuzz",
    products: harnesses.map { .executable(name: $0.name, targets: [$0.name]) },
    dependencies: [.package(path: "..")],
    targets: [.target(name: "CLibFuzzer")] + harnesses.map { harness in
        .executableTarget(
            name: harness.name,
            dependencies: ["CLibFuzzer"] + harness.products.map { .product(name: $0, package: mainPackage) },
            swiftSettings: [.unsafeFlags(["-parse-as-library"])])
    }
)
