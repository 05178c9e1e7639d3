import Attribution
import Foundation
import ImpalaPolicy
import MazeObservation
import MazeSimulation
import ModelFiles
import PolicyAnalysis
import Tensors

/// One scale of `mazerender benchmark attribution`.
public struct AttributionBenchmarkResult: Sendable {
    public var scale: Int
    public var steps: Int
    /// Median seconds of integrated gradients (black baseline, Gauss-Legendre) of `up` for one observation.
    public var integratedGradientsSeconds: Double
    /// Cells of the value map and the median seconds to compute it (rendering included).
    public var valueMapCells: Int
    public var valueMapSeconds: Double
    /// PyTorch + captum on the same observations (nil when not measured, with the reason in `torchNote`).
    public var torchIntegratedGradientsSeconds: Double?
    public var torchValueMapSeconds: Double?
    public var torchNote: String?

    public var report: String {
        var line = String(format: "attribution: scale %d: integrated gradients (%d steps) %.3f s, value map (%d cells) %.3f s",
                          scale, steps, integratedGradientsSeconds, valueMapCells, valueMapSeconds)
        if let ig = torchIntegratedGradientsSeconds, let map = torchValueMapSeconds {
            line += String(format: "; PyTorch+captum %.3f s and %.3f s -> %.2fx and %.2fx", ig, map,
                           ig / integratedGradientsSeconds, map / valueMapSeconds)
        } else if let torchNote {
            line += "; PyTorch+captum not measured (\(torchNote))"
        }
        return line
    }
}

/// `mazerender benchmark attribution`: integrated gradients of one observation (50 steps) and a value map over
/// a 25x25 maze, per scale (random weights), through mazerender and, in the same run on the same observations,
/// through PyTorch + captum (`Scripts/bench_attribution_torch.py`).
public enum AttributionBenchmark {
    public static func run(renderer: ObservationRenderer, scales: [Int], repeats: Int, steps: Int = 50,
                           torchScript: String?) throws -> [AttributionBenchmarkResult] {
        let generator = LevelGenerator()
        var seed: Int32 = 0
        while generator.generate(seed: seed).mazeDimension != 25 { seed += 1 }
        let maze = generator.generate(seed: seed)
        let observation = renderer.networkInput(for: [maze])
        let positions = maze.legalMousePositions
        let placements = renderer.mousePlacements(in: maze)
        let cells = Tensor(shape: [positions.count, 3, 64, 64], scalars: placements.chwFloats(mouseCells: positions))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mazerender-attribution-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let observationFile = folder.appendingPathComponent("observation.npy"), cellsFile = folder.appendingPathComponent("cells.npy")
        try NumpyFile.write(observation, to: observationFile)
        try NumpyFile.write(cells, to: cellsFile)
        return try scales.map { scale in
            let network = ImpalaNetwork.randomlyInitialized(scale: scale, seed: 1)
            let attributor = Attributor(network: network, batchLimit: steps)
            let evaluator = PolicyEvaluator(network: network, renderer: renderer)
            let ig = try BenchmarkTiming.medianSeconds(repeats: repeats) {
                _ = try attributor.attribute(.probability(.up), observation: observation, baseline: Baselines.black,
                                             method: .integratedGradients(steps: steps, method: .gaussLegendre))
            }
            let map = try BenchmarkTiming.medianSeconds(repeats: repeats) { _ = try ValueMap(maze: maze, evaluator: evaluator) }
            var result = AttributionBenchmarkResult(scale: scale, steps: steps, integratedGradientsSeconds: ig,
                                                    valueMapCells: positions.count, valueMapSeconds: map)
            if let torchScript {
                switch torch(script: torchScript, scale: scale, steps: steps, repeats: repeats, observation: observationFile,
                             cells: cellsFile) {
                case let .success(times):
                    result.torchIntegratedGradientsSeconds = times.0
                    result.torchValueMapSeconds = times.1
                case let .failure(note):
                    result.torchNote = note.description
                }
            }
            return result
        }
    }

    struct Note: Error, CustomStringConvertible { let description: String }

    /// Runs the PyTorch script; its JSON's two medians, or why not.
    static func torch(script: String, scale: Int, steps: Int, repeats: Int, observation: URL,
                      cells: URL) -> Swift.Result<(Double, Double), Note> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "--scale", "\(scale)", "--steps", "\(steps)", "--repeats", "\(repeats)",
                             "--threads", "\(ComputeThreads.workerCount)", "--observation", observation.path,
                             "--value-map", cells.path]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch { return .failure(Note(description: "cannot run python3: \(error)")) }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let ig = json["integrated_gradients_seconds"] as? Double, let map = json["value_map_seconds"] as? Double else {
            let last = errorText.split(separator: "\n").last.map(String.init) ?? "exit \(process.terminationStatus)"
            return .failure(Note(description: last))
        }
        return .success((ig, map))
    }
}
