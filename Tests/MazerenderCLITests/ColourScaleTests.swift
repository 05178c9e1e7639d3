import Foundation
import MazerenderCLI
import ModelFiles
import OutputFiles
import TestSupport
import Testing

/// A fixed colour scale says what it clips: the count in the picture's record equals the count recomputed from
/// the activation itself.
@Suite("fixed colour scales show clipping", .tags(.slow), SlowTests.trait)
struct ColourScaleTests {
    @Test("heatmap --convention paper: the clipped counts beyond [-1, 1] equal those of the channel's activations; posts clips nothing")
    func clipping() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let layer = "embedder.block2.res1.resadd_out"
        try RetargetTests.run(["activations", "--seed", "0", "--layer", layer, "--out", scratch.file("a.npy")])
        let tensor = try NumpyFile.read(contentsOf: URL(fileURLWithPath: scratch.file("a.npy"))).tensor
        let cells = tensor.shape.suffix(2).reduce(1, *), channels = tensor.scalars.count / cells
        // The channel the fixed range clips most.
        let outside = (0..<channels).map { c in tensor.scalars[(c * cells)..<((c + 1) * cells)].filter { abs($0) > 1 }.count }
        let channel = outside.indices.max { outside[$0] < outside[$1] }!
        let values = tensor.scalars[(channel * cells)..<((channel + 1) * cells)]
        let above = values.filter { $0 > 1 }.count, below = values.filter { $0 < -1 }.count
        #expect(above + below > 0, "no channel exceeds the paper's fixed range")
        try RetargetTests.run(["heatmap", "--seed", "0", "--layer", layer, "--channels", "\(channel)", "--convention", "paper",
                               "--out", scratch.file("paper.png")])
        let entries = try EmbeddedMetadata.read(Array(try Data(contentsOf: URL(fileURLWithPath: scratch.file("paper.png")))),
                                                format: .png, path: "paper.png")
        let clipped = try #require(entries.first { $0.key == "Clipped" }?.value)
        #expect(clipped == "panel 1: \(above + below) of \(cells) values outside [-1, 1] (\(above) above, \(below) below)", "\(clipped)")
        try RetargetTests.run(["heatmap", "--seed", "0", "--layer", layer, "--channels", "\(channel)", "--out", scratch.file("posts.png")])
        let posts = try EmbeddedMetadata.read(Array(try Data(contentsOf: URL(fileURLWithPath: scratch.file("posts.png")))),
                                              format: .png, path: "posts.png")
        #expect(!posts.contains { $0.key == "Clipped" })
    }
}
