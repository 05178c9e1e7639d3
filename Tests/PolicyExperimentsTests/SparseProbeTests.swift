import MazeSimulation
import PolicyExperiments
import Statistics
import Testing

/// The sparse-probe engine on synthetic activations (no network): a layer of noise with one feature that is a
/// copy of the target must give a perfect probe that picks that feature first.
@Suite("sparse linear probes")
struct SparseProbeTests {
    static let sampleCount = 400
    static let featureCount = 300
    static let copyIndex = 137

    /// Labels, values and a noise layer (deterministic) whose feature `copyIndex` is the label (layer 0) or
    /// the value (layer 1).
    static func data() -> (labels: [Bool], values: [Double], layers: [[Float]]) {
        var generator = SplitMix64(seed: 99)
        func uniform() -> Float { Float(generator.next() >> 40) / Float(1 << 24) }
        let labels = (0..<sampleCount).map { _ in uniform() < 0.3 }
        let values = (0..<sampleCount).map { _ in Double(Int(uniform() * 25)) }
        var classLayer = [Float](), valueLayer = [Float]()
        for i in 0..<sampleCount {
            for j in 0..<featureCount {
                classLayer.append(j == copyIndex ? (labels[i] ? 1 : 0) : uniform())
                valueLayer.append(j == copyIndex ? Float(values[i]) : uniform() * 3)
            }
        }
        return (labels, values, [classLayer, valueLayer])
    }

    static func probe(budget: Int = 1 << 30, splitSeed: UInt64 = 42, alpha: Double = 1e-3) throws -> SparseProbe {
        let d = data()
        return SparseProbe(
            layers: [ProbeLayer(name: "classes", featureCount: featureCount), ProbeLayer(name: "values", featureCount: featureCount)],
            tasks: [.classification(name: "label", labels: d.labels, c: 10, ks: [1, 5, 40]),
                    .regression(name: "value", values: d.values, alpha: alpha, ks: [1, 5, 40])],
            splits: try SeededSplit.splits(rowCount: sampleCount, count: 3, firstSeed: splitSeed), batchSize: 64,
            gatherBudgetBytes: budget)
    }

    static func source(_ layers: [[Float]]) -> SparseProbe.Batches {
        { range in layers.map { Array($0[(range.lowerBound * featureCount)..<(range.upperBound * featureCount)]) } }
    }

    @Test("a feature that copies the target gives a perfect probe, ranked first")
    func copiedFeatureIsPerfect() throws {
        let d = Self.data()
        let results = try Self.probe().run(sampleCount: Self.sampleCount, features: Self.source(d.layers))
        // 2 layers × 2 targets × 3 splits × 3 K.
        #expect(results.count == 36)
        for r in results where r.layer == "classes" && r.target == "label" {
            #expect(r.topFeature == Self.copyIndex)
            #expect(r.topFScore == .infinity)
            #expect(r.testScore == 1 && r.trainScore == 1, "\(r)")
            #expect(r.metric == "accuracy" && r.converged)
        }
        for r in results where r.layer == "values" && r.target == "value" {
            #expect(r.topFeature == Self.copyIndex)
            #expect(r.testScore > 0.999999, "\(r)")
            #expect(r.metric == "r2")
        }
        // The other layer's copy is noise for this target: far from perfect at K = 1.
        for r in results where r.layer == "values" && r.target == "label" && r.k == 1 {
            #expect(r.testScore < 0.9 || r.testScore <= r.baselineScore + 0.1)
        }
        // Baselines: majority accuracy on the test rows, the training mean's R².
        for r in results where r.target == "label" { #expect(r.baselineScore > 0.5 && r.baselineScore < 0.85) }
        for r in results where r.target == "value" { #expect(r.baselineScore <= 0.01) }
    }

    @Test("results do not depend on the gather budget (columns gathered in one pass or many)")
    func budgetDoesNotChangeResults() throws {
        let d = Self.data()
        let whole = try Self.probe().run(sampleCount: Self.sampleCount, features: Self.source(d.layers))
        var passes = 0
        let layers = d.layers
        let tight = try Self.probe(budget: 40 * Self.sampleCount * 4).run(sampleCount: Self.sampleCount) { range in
            if range.lowerBound == 0 { passes += 1 }
            return try Self.source(layers)(range)
        }
        #expect(tight == whole)
        // Pass 1, then gathers of at most 40 columns: (nearly) one per (layer, target, split) unit, 12 at most.
        #expect(passes > 3 && passes <= 13, "\(passes) passes")
    }

    @Test("same seed, same results; another split seed, other splits")
    func deterministic() throws {
        let d = Self.data()
        let first = try Self.probe().run(sampleCount: Self.sampleCount, features: Self.source(d.layers))
        let second = try Self.probe().run(sampleCount: Self.sampleCount, features: Self.source(d.layers))
        #expect(first == second)
        let other = try Self.probe(splitSeed: 7).run(sampleCount: Self.sampleCount, features: Self.source(d.layers))
        #expect(other.map(\.splitSeed) != first.map(\.splitSeed))
    }

    @Test("K values are clipped to the layer's size, duplicates dropped")
    func effectiveKs() {
        #expect(SparseProbe.effectiveKs([1, 10, 100, 1000], featureCount: 15) == [1, 10, 15])
        #expect(SparseProbe.effectiveKs([5, 1, 5], featureCount: 300) == [1, 5])
    }

    @Test("targets read the maze: square open, cheese cell and position in world cells")
    func targets() throws {
        let maze = LevelGenerator().generate(seed: 5)
        let cheese = try #require(maze.cheese)
        let sample = ProbeSample(seed: 5, state: maze, decisionSquare: MazePoint(x: 0, y: 0), step: 0, reachedCheese: true)
        #expect(ProbeTarget.cheeseAt(cheese).label(sample))
        #expect(!ProbeTarget.cheeseAt(WorldPoint(x: cheese.x + 1, y: cheese.y)).label(sample))
        #expect(ProbeTarget.cheeseX.value(sample) == Double(cheese.x))
        #expect(ProbeTarget.cheeseY.value(sample) == Double(cheese.y))
        #expect(ProbeTarget.reachedCheese.label(sample))
        for x in 0..<25 {
            let cell = WorldPoint(x: x, y: 12)
            #expect(ProbeTarget.squareOpen(cell).label(sample) == !maze.isWall(cell))
        }
        // The mouse's cell is open; so is the cheese's.
        #expect(ProbeTarget.squareOpen(maze.mouse).label(sample))
        #expect(ProbeTarget.squareOpen(cheese).label(sample))
        let other = ProbeSample(seed: 6, state: LevelGenerator().generate(seed: 6), decisionSquare: MazePoint(x: 0, y: 0),
                                step: 0, reachedCheese: false)
        #expect(ProbeTarget.modalCheeseCell([sample, other, sample]) == cheese)
    }
}
