import Foundation
import MazerenderCLI
import ModelFiles
import TestSupport
import Testing

/// retarget's default value comes from the loaded model, recomputed here from `activations` outputs.
@Suite("retarget calibrates its value on the loaded model", .tags(.slow), SlowTests.trait)
struct RetargetCalibrationTests {
    @Test("without --value: the median over the calibration levels of the channels' largest activation, in the CSV and summary.md")
    func calibrated() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let seeds = RetargetTests.smallSeeds(5, size: 9)
        let channels = [3, 7], layer = "embedder.block2.res1.resadd_out"
        try RetargetTests.run(["retarget", "--seeds", seeds.map(String.init).joined(separator: ","), "--channels", "3,7",
                               "--conditions", "channels", "--max-size", "9", "--heatmaps", "0", "--out", scratch.file("r")])
        // The same number from the program's own activation dumps: per level the largest of channels 3 and 7.
        var peaks: [Double] = []
        for seed in seeds {
            let path = scratch.file("a\(seed).npy")
            try RetargetTests.run(["activations", "--seed", "\(seed)", "--layer", layer, "--out", path])
            let tensor = try NumpyFile.read(contentsOf: URL(fileURLWithPath: path)).tensor
            let shape = tensor.shape.suffix(3).map { $0 }
            let cells = shape[1] * shape[2]
            peaks.append(channels.map { c in Double(tensor.scalars[(c * cells)..<((c + 1) * cells)].max()!) }.max()!)
        }
        peaks.sort()
        let expected = peaks[peaks.count / 2]
        let table = try RetargetTests.table(scratch.file("r/retargeting.csv"))
        let magnitude = try #require(table.columns.firstIndex(of: "magnitude"))
        let written = Set(table.rows.map { $0[magnitude] })
        #expect(written.count == 1)
        let value = try #require(written.first.flatMap(Double.init))
        #expect(abs(value - expected) <= 1e-6 * max(1, abs(expected)), "calibrated \(value), recomputed \(expected)")
        let summary = try String(contentsOfFile: scratch.file("r/summary.md"), encoding: .utf8)
        #expect(summary.contains("calibrated on this model") && summary.contains("over the 5 levels"), "\(summary)")
        // A run given --value writes that value and says nothing of calibration.
        try RetargetTests.run(["retarget", "--seeds", "\(seeds[0])", "--channels", "3,7", "--conditions", "channels",
                               "--value", "2", "--max-size", "9", "--heatmaps", "0", "--out", scratch.file("v")])
        let fixed = try String(contentsOfFile: scratch.file("v/summary.md"), encoding: .utf8)
        #expect(!fixed.contains("calibrated"))
    }
}
