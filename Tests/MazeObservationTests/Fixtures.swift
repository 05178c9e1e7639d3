import Foundation
import MazeObservation
import ModelFiles
import TestSupport

/// Paths and cached loads shared by the observation tests. The package root is found from this file's path;
/// the reference data lives beside it in `../shared/reference/` and is never copied into the project.
enum Fixtures {
    static let packageRoot = PackagePaths.root
    static let referenceDirectory = PackagePaths.referenceRoot.appendingPathComponent("procgen-0.10.7")
    static let assetDirectory = packageRoot.appendingPathComponent(ObservationAssets.relativeDirectory)

    /// The renderer over the installed assets (`Scripts/fetch-assets.sh`), loaded once.
    static let renderer: Result<ObservationRenderer, ObservationAssetError> = Result {
        () throws(ObservationAssetError) -> ObservationRenderer in
        ObservationRenderer(assets: try ObservationAssets(directory: assetDirectory.path))
    }

    static func loadRenderer() throws -> ObservationRenderer { try renderer.get() }

    /// A uint8 `.npy` of observations, `[N, 64, 64, 3]`, as one observation per image.
    static func observations(_ name: String) throws -> [Observation] {
        let url = referenceDirectory.appendingPathComponent(name)
        guard case let .uint8(shape, values) = try NumpyFile.read(contentsOf: url) else {
            throw FixtureError("\(url.path) is not a uint8 array")
        }
        guard shape.count == 4, Array(shape[1...]) == [64, 64, 3] else {
            throw FixtureError("\(url.path) has shape \(shape), expected [N, 64, 64, 3]")
        }
        return (0..<shape[0]).map { Observation(rgb: Array(values[($0 * Observation.byteCount)..<(($0 + 1) * Observation.byteCount)])) }
    }

    static let firstObservations: Result<[Observation], Error> = Result { try observations("obs64_seeds_0_199.npy") }

    /// Where two observations differ: the count of differing bytes and the first differing pixel, for messages.
    static func difference(_ actual: Observation, _ expected: Observation) -> String? {
        let differing = zip(actual.rgb, expected.rgb).enumerated().filter { $0.element.0 != $0.element.1 }
        guard let first = differing.first else { return nil }
        let pixel = first.offset / 3
        let row = pixel / 64, column = pixel % 64
        return "\(differing.count) bytes differ; first at row \(row), column \(column): "
            + "got \(actual[row, column]), expected \(expected[row, column])"
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
