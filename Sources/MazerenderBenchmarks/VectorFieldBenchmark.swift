import Foundation
import ImpalaPolicy
import JobSupport
import MazeObservation
import MazeSimulation
import ModelFiles
import OutputFiles
import PolicyAnalysis
import Tensors

/// One workload of `mazerender benchmark vfield`: the same observations through the ordinary forward pass,
/// the automatic one (incremental where the batch shares a base image) and, when available, PyTorch.
public struct VectorFieldBenchmarkResult: Sendable {
    public var name: String
    public var scale: Int
    public var observations: Int
    /// Median seconds of `forward(path: .ordinary)` and `forward()` over the whole batch.
    public var ordinarySeconds: Double
    public var automaticSeconds: Double
    /// PyTorch's median seconds for the same observations (its best batching), nil when not measured.
    public var torchSeconds: Double?
    /// Why PyTorch was not measured.
    public var torchNote: String?
    /// Convolution FLOPs of the automatic path as a share of the ordinary pass (1 when it is the ordinary
    /// pass), counting its convolutions as direct ones (what the regions leave) and as its kernels do them
    /// (Winograd F(2x2, 3x3) where used).
    public var flopShare: Double
    public var kernelFLOPShare: Double
    /// Max |logit difference| between the automatic and the ordinary pass.
    public var maxLogitDifference: Float

    /// One line with rates and ratios.
    public var report: String {
        var line = String(format: "%@ (scale %d, %d obs): ordinary %.3f s, mazerender %.3f s (%.0f obs/s, %.2fx ordinary; conv FLOPs %.0f%% of the ordinary pass's, %.0f%% as computed), max |dlogit| %.1e",
                          name, scale, observations, ordinarySeconds, automaticSeconds, Double(observations) / automaticSeconds,
                          ordinarySeconds / automaticSeconds, 100 * flopShare, 100 * kernelFLOPShare, Double(maxLogitDifference))
        if let torchSeconds {
            line += String(format: "; PyTorch %.3f s -> %.2fx PyTorch", torchSeconds, torchSeconds / automaticSeconds)
        } else if let torchNote {
            line += "; PyTorch not measured (\(torchNote))"
        }
        return line
    }
}

/// `mazerender benchmark vfield`: full 25x25 vector fields at scale 1 and 4, and a batch of decision-square
/// observations of many seeds, each timed through mazerender (ordinary and automatic paths) and through
/// PyTorch (`Scripts/bench_torch.py --observations`) on the same observations, in the same run.
public enum VectorFieldBenchmark {
    /// - Parameters:
    ///   - renderer: draws the observations.
    ///   - decisionSeeds: how many levels with a decision square go into the decision batch.
    ///   - scales: network scales (random weights) to measure.
    ///   - repeats: timed runs per measurement (medians reported).
    ///   - torchScript: path of `bench_torch.py`; nil skips PyTorch.
    ///   - python: the Python interpreter to run it with.
    public static func run(renderer: ObservationRenderer, decisionSeeds: Int = 1000, scales: [Int] = [1, 4], repeats: Int = 5,
                           torchScript: String?, python: String = "python3") throws -> [VectorFieldBenchmarkResult] {
        let generator = LevelGenerator()
        var seed: Int32 = 0
        while generator.generate(seed: seed).mazeDimension != 25 { seed += 1 }
        let maze = generator.generate(seed: seed)
        let cells = maze.legalMousePositions
        let field = Tensor(shape: [cells.count, 3, 64, 64], scalars: renderer.mousePlacements(in: maze).chwFloats(mouseCells: cells))

        var states: [MazeState] = []
        var level: Int32 = 0
        while states.count < decisionSeeds {
            var candidate = generator.generate(seed: level)
            level += 1
            guard let square = candidate.decisionSquare else { continue }
            candidate.mouse = candidate.world(square)
            states.append(candidate)
        }
        let decisions = renderer.networkInput(for: states)

        var results: [VectorFieldBenchmarkResult] = []
        for (name, input, scales) in [("25x25 vector field, seed \(seed)", field, scales),
                                      ("decision squares of \(decisionSeeds) levels", decisions, scales)] {
            for scale in scales {
                results.append(try measure(name: name, input: input, scale: scale, repeats: repeats,
                                           torchScript: torchScript, python: python))
            }
        }
        return results
    }

    static func measure(name: String, input: Tensor, scale: Int, repeats: Int, torchScript: String?,
                        python: String) throws -> VectorFieldBenchmarkResult {
        let network = ImpalaNetwork.randomlyInitialized(scale: scale, seed: 0)
        var ordinary: PolicyOutput?, automatic: PolicyOutput?
        let ordinarySeconds = try BenchmarkTiming.medianSeconds(repeats: repeats) {
            ordinary = try network.forward(input, path: .ordinary)
        }
        let automaticSeconds = try BenchmarkTiming.medianSeconds(repeats: repeats) {
            automatic = try network.forward(input)
        }
        let savings = network.incrementalSavings(for: input)
        var result = VectorFieldBenchmarkResult(
            name: name, scale: scale, observations: input.shape[0], ordinarySeconds: ordinarySeconds,
            automaticSeconds: automaticSeconds, torchSeconds: nil, torchNote: nil,
            flopShare: savings?.share ?? 1, kernelFLOPShare: savings?.kernelShare ?? 1,
            maxLogitDifference: automatic!.logits.maxAbsoluteDifference(to: ordinary!.logits))
        if let torchScript {
            do {
                result.torchSeconds = try torchSecondsFor(input, scale: scale, repeats: repeats, script: torchScript, python: python)
            } catch {
                result.torchNote = "\(error)"
            }
        } else {
            result.torchNote = "no script"
        }
        return result
    }

    /// Writes `input` to a temporary `.npy` and runs `script --observations FILE --scale S`; reads `seconds`
    /// from the JSON line it prints. The temporary folder is removed afterwards.
    static func torchSecondsFor(_ input: Tensor, scale: Int, repeats: Int, script: String, python: String) throws -> Double {
        try torchRun(input, scale: scale, repeats: repeats, script: script, python: python)["seconds"] as! Double
    }

    /// Runs `script --observations FILE --scale S` plus `arguments` on `input`; the JSON object it printed
    /// (with a `seconds` number).
    static func torchRun(_ input: Tensor, scale: Int, repeats: Int, script: String, python: String,
                         arguments: [String] = []) throws -> [String: Any] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mazerender-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("observations.npy").path
        let writer = try NumpyStreamWriter(path: file, elementType: .float32, rowShape: [3, 64, 64])
        try writer.append(input.scalars)
        try writer.finish()

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script, "--observations", file, "--scale", "\(scale)", "--repeats", "\(repeats)",
                             "--threads", "\(ComputeThreads.workerCount)"] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last,
              let json = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              json["seconds"] is Double else {
            throw JobError("\(script) failed: \(errorText.split(separator: "\n").last ?? "no output"); install PyTorch (pip install \"torch==2.13.0+cpu\") or pass --no-torch")
        }
        return json
    }
}
