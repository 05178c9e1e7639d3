import ActivationPatching
import ImpalaPolicy
import MazeSimulation
import PolicyAnalysis
import Statistics
import Tensors

/// How well one channel's map locates the cheese over a set of levels.
public struct ChannelScore: Sendable, Equatable {
    /// Channel index at the layer.
    public var channel: Int
    /// 1 for the best channel (highest `fScore`; ties by lower channel index).
    public var rank: Int
    /// procgen-tools' convolutional-probe relevance: the ANOVA F statistic (scikit-learn's `f_classif`) of the
    /// channel's value at the cheese's map cell against its value at a random other cell of the same level,
    /// over all levels (2 values per level, balanced classes). The ranking key.
    public var fScore: Double
    /// Test accuracy of a one-channel probe on those values: a logistic regression (intercept + this channel)
    /// fitted on a seeded 80 % of the 2N values, scored on the other 20 %. 0.5 is chance; 1 is perfect.
    public var probeAccuracy: Double
    /// Mean at the cheese cell minus mean at the random cells: positive for channels that light up on the
    /// cheese, negative for channels that dim there.
    public var meanDifference: Double
    /// Pearson correlation between the channel's value and the cheese indicator (1 on the cheese's cell, 0
    /// elsewhere), pooled over every cell of every level (point-biserial correlation).
    public var correlation: Double

    public init(channel: Int, rank: Int, fScore: Double, probeAccuracy: Double, meanDifference: Double,
                correlation: Double) {
        self.channel = channel
        self.rank = rank
        self.fScore = fScore
        self.probeAccuracy = probeAccuracy
        self.meanDifference = meanDifference
        self.correlation = correlation
    }
}

/// Every channel of a layer ranked by how well its map locates the cheese (`mazerender channels`), following
/// procgen-tools' "convolutional probe" (`experiments/probing_main.py`): per level, the value of each channel
/// at the map cell over the cheese and at one random other cell (uniform over the map's other cells, drawn
/// from a `SplitMix64` seeded with `seed`, level by level, so results do not depend on batching); channels are
/// ranked by the F statistic of those two groups. procgen-tools draws its levels from episodes of its dataset
/// (the mouse anywhere along a rollout); `measure` takes whatever levels it is given (the CLI passes levels as
/// generated, mouse on its start square).
public struct ChannelRanking: Sendable, Equatable {
    /// One score per channel, best first (`scores[i].rank == i + 1`).
    public let scores: [ChannelScore]
    /// Levels the scores are over.
    public let levelCount: Int

    /// The `count` best channels, best first.
    public func top(_ count: Int) -> [Int] { scores.prefix(max(0, count)).map(\.channel) }

    /// The score of `channel`, nil when the layer has no such channel.
    public func score(of channel: Int) -> ChannelScore? { scores.first { $0.channel == channel } }

    /// Ranks channels from activations already at hand.
    /// - Parameters:
    ///   - activations: `[N, C, H, W]`, one map stack per level.
    ///   - cheeseCells: per level, the map cell over the cheese (see `ChannelLayer.cell(ofWorld:)`).
    ///   - seed: seeds the random other cells and the probe's train/test split.
    /// - Throws: `ChannelRankingError` for mismatched shapes, fewer than 5 levels, maps of a single cell,
    ///   cells outside the map; `StatisticsError` for non-finite activations.
    public init(activations: Tensor, cheeseCells: [ChannelCell], seed: UInt64 = 0) throws {
        guard activations.rank == 4 else { throw ChannelRankingError.shape(activations.shape) }
        var accumulator = try Accumulator(channels: activations.shape[1], height: activations.shape[2],
                                          width: activations.shape[3], seed: seed)
        try accumulator.add(activations, cheeseCells: cheeseCells)
        self = try accumulator.ranking()
    }

    init(scores: [ChannelScore], levelCount: Int) {
        self.scores = scores
        self.levelCount = levelCount
    }

    /// Runs `levels` through the network (batches of `evaluator.batchSize`) and ranks `layer`'s channels.
    /// Levels without cheese are skipped. Cost: one forward pass per level; memory O(levels · channels).
    /// - Throws: `ChannelRankingError.tooFewLevels` when fewer than 5 levels have cheese; forward errors.
    public static func measure(evaluator: PolicyEvaluator, layer: ChannelLayer, levels: [MazeState],
                               seed: UInt64 = 0) throws -> ChannelRanking {
        let withCheese = levels.filter { $0.cheese != nil }
        var accumulator = try Accumulator(channels: layer.channels, height: layer.height, width: layer.width, seed: seed)
        var start = 0
        while start < withCheese.count {
            let batch = Array(withCheese[start..<min(withCheese.count, start + evaluator.batchSize)])
            let output = try evaluator.network.forward(evaluator.input(for: batch), capturing: [layer.label])
            try accumulator.add(output.activations[layer.label]!, cheeseCells: batch.map { layer.cell(ofWorld: $0.cheese!) })
            start += batch.count
        }
        return try accumulator.ranking()
    }

    /// Per-level values collected for the scores.
    struct Accumulator {
        let channels: Int, height: Int, width: Int
        var generator: SplitMix64
        let splitSeed: UInt64
        /// `[level][channel]` values at the cheese cell and at the random other cell.
        var atCheese: [[Float]] = [], atOther: [[Float]] = []
        /// Per channel, over all cells of all levels: Σx and Σx².
        var sum: [Double], sumOfSquares: [Double]

        init(channels: Int, height: Int, width: Int, seed: UInt64) throws {
            guard height * width >= 2 else { throw ChannelRankingError.singleCell }
            self.channels = channels
            self.height = height
            self.width = width
            generator = SplitMix64(seed: seed)
            splitSeed = seed
            sum = Array(repeating: 0, count: channels)
            sumOfSquares = Array(repeating: 0, count: channels)
        }

        mutating func add(_ activations: Tensor, cheeseCells: [ChannelCell]) throws {
            let cells = height * width
            guard activations.rank == 4, activations.shape[1] == channels, activations.shape[2] == height,
                  activations.shape[3] == width else { throw ChannelRankingError.shape(activations.shape) }
            guard activations.shape[0] == cheeseCells.count else {
                throw ChannelRankingError.countMismatch(levels: activations.shape[0], cells: cheeseCells.count)
            }
            let scalars = activations.scalars
            for (level, cell) in cheeseCells.enumerated() {
                guard (0..<height).contains(cell.row), (0..<width).contains(cell.column) else {
                    throw ChannelRankingError.cellOutsideMap(cell, height: height, width: width)
                }
                let cheese = cell.row * width + cell.column
                // Uniform over the other cells: draw from cells − 1 and skip the cheese's cell.
                var other = generator.uniform(below: UInt64(cells - 1))
                if other >= cheese { other += 1 }
                var cheeseRow = [Float](repeating: 0, count: channels), otherRow = cheeseRow
                for channel in 0..<channels {
                    let base = (level * channels + channel) * cells
                    cheeseRow[channel] = scalars[base + cheese]
                    otherRow[channel] = scalars[base + other]
                    var s = 0.0, s2 = 0.0
                    for p in 0..<cells {
                        let value = Double(scalars[base + p])
                        s += value
                        s2 += value * value
                    }
                    sum[channel] += s
                    sumOfSquares[channel] += s2
                }
                atCheese.append(cheeseRow)
                atOther.append(otherRow)
            }
        }

        func ranking() throws -> ChannelRanking {
            let levels = atCheese.count
            guard levels >= 5 else { throw ChannelRankingError.tooFewLevels(levels) }
            let labels = [Bool](repeating: true, count: levels) + [Bool](repeating: false, count: levels)
            let split = try SeededSplit(rowCount: 2 * levels, testFraction: 0.2, seed: splitSeed)
            let n = Double(levels * height * width)
            var scores: [ChannelScore] = []
            for channel in 0..<channels {
                let values = atCheese.map { Double($0[channel]) } + atOther.map { Double($0[channel]) }
                let f = try FTest.classification(values: values, labels: labels)
                let fit = try LogisticRegression.fit(features: split.trainIndices.map { [values[$0]] },
                                                     outcomes: split.trainIndices.map { labels[$0] }, names: ["value"])
                let accuracy = Classification.accuracy(predicted: split.testIndices.map { fit.predict([values[$0]]) },
                                                       actual: split.testIndices.map { labels[$0] })
                let cheeseSum = values[..<levels].reduce(0, +), otherSum = values[levels...].reduce(0, +)
                // Point-biserial correlation with the indicator y (Σy = Σy² = levels, Σxy = cheeseSum).
                let covariance = n * cheeseSum - sum[channel] * Double(levels)
                let varianceX = n * sumOfSquares[channel] - sum[channel] * sum[channel]
                let varianceY = n * Double(levels) - Double(levels) * Double(levels)
                let correlation = varianceX > 0 ? covariance / (varianceX * varianceY).squareRoot() : 0
                scores.append(ChannelScore(channel: channel, rank: 0, fScore: f, probeAccuracy: accuracy,
                                           meanDifference: (cheeseSum - otherSum) / Double(levels),
                                           correlation: correlation))
            }
            scores.sort { $0.fScore != $1.fScore ? $0.fScore > $1.fScore : $0.channel < $1.channel }
            for index in scores.indices { scores[index].rank = index + 1 }
            return ChannelRanking(scores: scores, levelCount: levels)
        }
    }
}

/// Why channels could not be ranked.
public enum ChannelRankingError: Error, Equatable, CustomStringConvertible {
    case shape([Int])
    case countMismatch(levels: Int, cells: Int)
    case cellOutsideMap(ChannelCell, height: Int, width: Int)
    case singleCell
    case tooFewLevels(Int)

    public var description: String {
        switch self {
        case let .shape(shape): return "channel ranking needs activations [N, C, H, W], got \(shape)"
        case let .countMismatch(levels, cells): return "channel ranking: \(levels) levels of activations but \(cells) cheese cells"
        case let .cellOutsideMap(cell, height, width): return "channel ranking: cheese cell \(cell) is outside the \(height)x\(width) map"
        case .singleCell: return "channel ranking needs channel maps of at least 2 cells"
        case let .tooFewLevels(count): return "channel ranking needs at least 5 levels with cheese, got \(count); give more --seeds"
        }
    }
}
