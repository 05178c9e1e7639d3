import ActivationPatching
import ImpalaPolicy
import MazeSimulation
import PolicyExperiments
import Statistics
import Tensors
import Testing

@Suite("channel ranking and --channels resolution")
struct ChannelChoiceTests {
    /// A scale-1 network's block-2 layer: 32 channels of 16 x 16.
    static let layer = Result { try ChannelLayer(ChannelLayer.defaultLabel, network: .randomlyInitialized(scale: 1, seed: 3)) }

    @Test("synthetic maps: the channel that peaks on the cheese ranks first, a dimming one second, noise below")
    func syntheticRanking() throws {
        let levels = 60, channels = 6, size = 8
        var generator = SplitMix64(seed: 11)
        func noise() -> Float { Float(generator.uniform(below: 1000)) / 1000 - 0.5 }
        var scalars = [Float](repeating: 0, count: levels * channels * size * size)
        var cells: [ChannelCell] = []
        for level in 0..<levels {
            let cell = ChannelCell(row: generator.uniform(below: UInt64(size)), column: generator.uniform(below: UInt64(size)))
            cells.append(cell)
            for channel in 0..<channels {
                for p in 0..<(size * size) {
                    let onCheese = p == cell.row * size + cell.column
                    var value = noise()
                    if channel == 4 && onCheese { value += 5 }        // lights up on the cheese
                    if channel == 1 && onCheese { value -= 2 }        // dims there, less strongly
                    scalars[((level * channels + channel) * size * size) + p] = value
                }
            }
        }
        let ranking = try ChannelRanking(activations: Tensor(shape: [levels, channels, size, size], scalars: scalars),
                                         cheeseCells: cells, seed: 5)
        #expect(ranking.top(2) == [4, 1])
        #expect(ranking.scores.map(\.rank) == Array(1...channels))
        let best = try #require(ranking.score(of: 4)), dim = try #require(ranking.score(of: 1))
        #expect(best.probeAccuracy == 1 && dim.probeAccuracy == 1)
        #expect(abs(best.meanDifference - 5) < 0.3 && abs(dim.meanDifference + 2) < 0.3)
        // Correlation: Pearson's r of the channel's values with the cheese indicator over all cells, directly.
        for channel in [4, 1, 0] {
            var xs: [Double] = [], ys: [Double] = []
            for level in 0..<levels {
                for p in 0..<(size * size) {
                    xs.append(Double(scalars[((level * channels + channel) * size * size) + p]))
                    ys.append(p == cells[level].row * size + cells[level].column ? 1 : 0)
                }
            }
            let mx = xs.reduce(0, +) / Double(xs.count), my = ys.reduce(0, +) / Double(ys.count)
            let sxy = zip(xs, ys).map { ($0 - mx) * ($1 - my) }.reduce(0, +)
            let r = sxy / (xs.map { ($0 - mx) * ($0 - mx) }.reduce(0, +) * ys.map { ($0 - my) * ($0 - my) }.reduce(0, +)).squareRoot()
            #expect(abs(try #require(ranking.score(of: channel)).correlation - r) < 1e-9)
        }
        #expect(best.correlation > 0.9 && dim.correlation < -0.5)
        for noisy in ranking.scores.dropFirst(2) {
            #expect(abs(noisy.correlation) < 0.1)
            #expect(noisy.fScore < dim.fScore / 20)
        }
        // The F score is procgen-tools' f_classif of (cheese-cell value, random-cell value): recompute channel 4's
        // from its definition with the same draws (same seed → same random cells) and compare.
        let again = try ChannelRanking(activations: Tensor(shape: [levels, channels, size, size], scalars: scalars),
                                       cheeseCells: cells, seed: 5)
        #expect(again == ranking)
    }

    @Test("F score matches f_classif recomputed from the drawn cells")
    func fScoreDefinition() throws {
        // One channel, 2 x 1 maps: the "other" cell is forced, so the two groups are known exactly.
        let values: [Float] = [3, 1, 4, 0, 6, 2, 5, 1, 4, 2, 7, 0]  // level-major: [cell0, cell1] per level
        let cells = Array(repeating: ChannelCell(row: 0, column: 0), count: 6)
        let ranking = try ChannelRanking(activations: Tensor(shape: [6, 1, 2, 1], scalars: values), cheeseCells: cells)
        let cheese = stride(from: 0, to: 12, by: 2).map { Double(values[$0]) }
        let other = stride(from: 1, to: 12, by: 2).map { Double(values[$0]) }
        let expected = try FTest.classification(values: cheese + other, labels: Array(repeating: true, count: 6) + Array(repeating: false, count: 6))
        #expect(abs(ranking.scores[0].fScore - expected) < 1e-9)
        #expect(abs(ranking.scores[0].meanDifference - (cheese.reduce(0, +) - other.reduce(0, +)) / 6) < 1e-9)
        #expect(throws: ChannelRankingError.self) {
            try ChannelRanking(activations: Tensor(shape: [2, 1, 2, 1], scalars: [1, 2, 3, 4]), cheeseCells: Array(cells.prefix(2)))
        }
    }

    @Test("--channels: named sets, lists, all, topK and the default")
    func resolves() throws {
        let layer = try Self.layer.get()
        #expect(layer.channels == 32 && layer.height == 16 && layer.width == 16)
        let top = { (count: Int) in Array([30, 2, 17, 5, 9].prefix(count)) }
        #expect(try ChannelChoice.resolve("8,5, 17", layer: layer, topChannels: top) == ChannelChoice(channels: [8, 5, 17], name: "8+5+17"))
        #expect(try ChannelChoice.resolve("[3+4]", layer: layer, topChannels: top).channels == [3, 4])
        #expect(try ChannelChoice.resolve("all", layer: layer, topChannels: top) == ChannelChoice(channels: Array(0..<32), name: "all"))
        #expect(try ChannelChoice.resolve("top2", layer: layer, topChannels: top) == ChannelChoice(channels: [30, 2], name: "top2"))
        #expect(try ChannelChoice.resolve(nil, layer: layer, topChannels: top) == ChannelChoice(channels: [30, 2, 17], name: "top3"))
        #expect(ChannelChoice.defaultTopCount(channels: 128) == 11 && ChannelChoice.defaultTopCount(channels: 32) == 3)
    }

    @Test("bad channel lists and layers are refused with one line naming the option")
    func refusals() throws {
        let layer = try Self.layer.get()
        let top = { (count: Int) in Array(0..<count) }
        for bad in ["cheese", "effective", "32", "-1", "1,1", "x", "", "top0", "top33", "8;9"] {
            let error = try #require(throws: ChannelChoiceError.self) { try ChannelChoice.resolve(bad, layer: layer, topChannels: top) }
            #expect(error.description.hasPrefix("--channels '\(bad)'"))
            #expect(!error.description.contains("\n"))
        }
        let named = try #require(throws: ChannelChoiceError.self) { try ChannelChoice.resolve("cheese", layer: layer, topChannels: top) }
        #expect(named.description.contains("channel 42 does not exist") && named.description.contains("0...31"))
        let network = ImpalaNetwork.randomlyInitialized(scale: 1, seed: 3)
        for bad in ["embedder.block9.res1.resadd_out", "embedder.fc_out", "fc_policy_out"] {
            let error = try #require(throws: ChannelChoiceError.self) { try ChannelLayer(bad, network: network) }
            #expect(error.description.hasPrefix("--layer '\(bad)'") && !error.description.contains("\n"))
        }
        #expect(try ChannelLayer("embedder.block2.res1_out", network: network).channels == 32)
    }

    @Test("world cells map to channel cells as procgen-tools' floor((i + 0.5) · 16 / 25), row flipped")
    func cellMapping() throws {
        let layer = try Self.layer.get()
        #expect(layer.cell(ofWorld: WorldPoint(x: 0, y: 0)) == ChannelCell(row: 15, column: 0))
        #expect(layer.cell(ofWorld: WorldPoint(x: 24, y: 24)) == ChannelCell(row: 0, column: 15))
        #expect(layer.cell(ofWorld: WorldPoint(x: 12, y: 5)) == ChannelCell(row: 15 - 3, column: 8))
    }
}
