import Dispatch
import Foundation
import Statistics

/// One target prepared for probing: a value per sample, the model and the K values to try.
public struct ProbeTask: Sendable {
    public enum Model: Sendable, Equatable {
        /// L2 logistic regression (scikit-learn's `C`, class weights).
        case logistic(c: Double, classWeight: L2LogisticRegression.ClassWeight)
        /// Ridge regression (scikit-learn's `alpha`).
        case ridge(alpha: Double)
    }

    public var name: String
    /// Class labels (logistic) or values (ridge), one per sample.
    public var labels: [Bool]
    public var values: [Double]
    public var model: Model
    public var ks: [Int]

    public static func classification(name: String, labels: [Bool], c: Double, classWeight: L2LogisticRegression.ClassWeight = .balanced,
                                      ks: [Int]) -> ProbeTask {
        ProbeTask(name: name, labels: labels, values: [], model: .logistic(c: c, classWeight: classWeight), ks: ks)
    }

    public static func regression(name: String, values: [Double], alpha: Double, ks: [Int]) -> ProbeTask {
        ProbeTask(name: name, labels: [], values: values, model: .ridge(alpha: alpha), ks: ks)
    }

    var isClassification: Bool { if case .logistic = model { true } else { false } }
}

/// A layer whose activations are probed: its name and the number of values per sample.
public struct ProbeLayer: Sendable, Equatable {
    public var name: String
    public var featureCount: Int
    public init(name: String, featureCount: Int) {
        self.name = name
        self.featureCount = featureCount
    }
}

/// One probe: a layer, a target, K features, one train/test split.
public struct ProbeResult: Sendable, Equatable {
    public var layer: String
    public var target: String
    public var k: Int
    /// Index of the split (0-based) and its seed.
    public var split: Int
    public var splitSeed: UInt64
    /// Activations in the layer.
    public var layerFeatures: Int
    public var trainRows: Int
    public var testRows: Int
    /// "accuracy" (logistic) or "r2" (ridge).
    public var metric: String
    public var trainScore: Double
    public var testScore: Double
    /// Accuracy of always predicting the training majority (classification) or R² of predicting the training
    /// mean (regression), on the test rows.
    public var baselineScore: Double
    /// The best-ranked feature (flat index into the layer, PyTorch's C·H·W order) and its F statistic.
    public var topFeature: Int
    public var topFScore: Double
    /// Newton steps and convergence (logistic); 0 and true for ridge (closed form).
    public var iterations: Int
    public var converged: Bool
}

/// Sparse linear probes as procgen-tools runs them (circrl's `sparse_linear_probe`): per layer, flatten the
/// activations, split the samples 80/20, rank features by the F-test **on the training rows** (`f_classif` for
/// classes, `f_regression` for values), keep the top K, fit L2 logistic regression or ridge on the training
/// rows, score on the test rows (accuracy / R²). One split is shared by all K of a layer and target; here
/// there are several seeded splits, each with its own ranking.
///
/// Memory is bounded without holding the activation table: pass 1 streams every sample once and keeps only
/// per-feature sums (`FTestAccumulator`: `(2 + 2·classes + regressions)` doubles per feature, split and layer);
/// pass 2 re-reads the samples and keeps only the ranked columns, `samples × columns × 4` bytes, in groups of
/// at most `gatherBudgetBytes` (a group whose columns would exceed it is split into several passes; one
/// probe's own K_max columns always form a group). The fits then need `train rows × K_max × 8` bytes a few
/// times over per worker.
public struct SparseProbe: Sendable {
    /// Activations for samples `range`: one array per layer, `range.count × featureCount` row-major.
    public typealias Batches = (Range<Int>) throws -> [[Float]]

    public var layers: [ProbeLayer]
    public var tasks: [ProbeTask]
    public var splits: [SeededSplit]
    public var batchSize: Int
    public var gatherBudgetBytes: Int

    public init(layers: [ProbeLayer], tasks: [ProbeTask], splits: [SeededSplit], batchSize: Int = 128,
                gatherBudgetBytes: Int = 1 << 30) {
        self.layers = layers
        self.tasks = tasks
        self.splits = splits
        self.batchSize = max(1, batchSize)
        self.gatherBudgetBytes = gatherBudgetBytes
    }

    /// The K values actually fitted for a layer of `featureCount` activations: each K clipped to the layer's
    /// size, duplicates dropped, ascending.
    public static func effectiveKs(_ ks: [Int], featureCount: Int) -> [Int] {
        Array(Set(ks.map { min($0, featureCount) })).filter { $0 >= 1 }.sorted()
    }

    /// Runs every probe. Results are ordered by layer, target, split, K.
    /// - Parameters:
    ///   - sampleCount: samples `0..<sampleCount`; every task has one label/value per sample.
    ///   - features: the activation source, called for consecutive ranges twice or more (see the type's notes).
    ///   - progress: one-line messages.
    /// - Throws: what `features` throws, or `StatisticsError` (a class missing from a training split).
    public func run(sampleCount: Int, features: Batches, progress: ((String) -> Void)? = nil) throws -> [ProbeResult] {
        for task in tasks {
            precondition((task.isClassification ? task.labels.count : task.values.count) == sampleCount,
                         "task \(task.name): one label or value per sample")
        }
        let classTasks = tasks.indices.filter { tasks[$0].isClassification }
        let valueTasks = tasks.indices.filter { !tasks[$0].isClassification }
        let trainMask: [[Bool]] = splits.map { split in
            var mask = [Bool](repeating: false, count: sampleCount)
            for i in split.trainIndices { mask[i] = true }
            return mask
        }

        // Pass 1: F statistics on each split's training rows, streamed.
        let boxes = layers.map { _ in AccumulatorBox() }
        try forEachBatch(sampleCount, features) { range, batch in
            DispatchQueue.concurrentPerform(iterations: layers.count) { l in
                let f = layers[l].featureCount
                batch[l].withUnsafeBufferPointer { values in
                    if boxes[l].accumulators.isEmpty {
                        let reference = (0..<f).map { Double(values[$0]) }
                        boxes[l].accumulators = splits.map { _ in
                            FTestAccumulator(reference: reference, classificationTargets: classTasks.count,
                                             regressionTargets: valueTasks.count)
                        }
                    }
                    for (r, i) in range.enumerated() {
                        let row = UnsafeBufferPointer(rebasing: values[(r * f)..<((r + 1) * f)])
                        let labels = classTasks.map { tasks[$0].labels[i] }
                        let numbers = valueTasks.map { tasks[$0].values[i] }
                        for s in splits.indices where trainMask[s][i] {
                            boxes[l].accumulators[s].add(row, labels: labels, values: numbers)
                        }
                    }
                }
            }
        }
        progress?("probe: F statistics done for \(layers.count) layers, \(splits.count) splits")

        // Rankings: units (layer, task, split) with their top K_max features, best first.
        var units: [ProbeUnit] = []
        for l in layers.indices {
            for t in tasks.indices {
                let ks = Self.effectiveKs(tasks[t].ks, featureCount: layers[l].featureCount)
                guard let kMax = ks.last else { continue }
                for s in splits.indices {
                    let accumulator = boxes[l].accumulators[s]
                    let scores = tasks[t].isClassification
                        ? accumulator.classificationScores(target: classTasks.firstIndex(of: t)!)
                        : accumulator.regressionScores(target: valueTasks.firstIndex(of: t)!)
                    let top = FTest.topIndices(scores, count: kMax)
                    units.append(ProbeUnit(layer: l, task: t, split: s, ks: ks, columns: top, topScore: scores[top[0]]))
                }
            }
            boxes[l].accumulators = []
        }

        // Pass 2: gather the ranked columns, a group of units at a time, then fit.
        var results: [ProbeResult] = []
        var start = 0
        let bytesPerColumn = max(1, sampleCount * MemoryLayout<Float>.size)
        while start < units.count {
            var end = start
            var unions: [Int: [Int: Int]] = [:]  // layer → feature → position
            var columnCount = 0
            while end < units.count {
                let unit = units[end]
                let fresh = Set(unit.columns).subtracting(unions[unit.layer]?.keys.map { $0 } ?? []).count
                if end > start, (columnCount + fresh) * bytesPerColumn > gatherBudgetBytes { break }
                var union = unions[unit.layer] ?? [:]
                for column in unit.columns where union[column] == nil { union[column] = union.count }
                unions[unit.layer] = union
                columnCount += fresh
                end += 1
            }
            let group = Array(units[start..<end])
            let gathered = try gather(sampleCount, features, unions: unions)
            progress?("probe: fitting \(group.count) probes (\(columnCount) columns gathered, \(results.count + group.count) of \(units.count))")
            let slots = UnsafeResults<Result<[ProbeResult], any Error>>(count: group.count)
            let positions = unions
            DispatchQueue.concurrentPerform(iterations: group.count) { index in
                let unit = group[index]
                slots.set(index, Result {
                    try fit(unit, gathered: gathered[unit.layer]!, positions: positions[unit.layer]!)
                })
            }
            for slot in slots.values { results += try slot!.get() }
            start = end
        }
        return results
    }

    /// Calls `body` with each batch of activations, checking the batch's shape.
    private func forEachBatch(_ sampleCount: Int, _ features: Batches,
                              _ body: (Range<Int>, [[Float]]) throws -> Void) throws {
        var start = 0
        while start < sampleCount {
            let range = start..<min(sampleCount, start + batchSize)
            let batch = try features(range)
            precondition(batch.count == layers.count
                         && zip(batch, layers).allSatisfy { $0.count == range.count * $1.featureCount },
                         "SparseProbe: the activation source returned the wrong shape")
            try body(range, batch)
            start = range.upperBound
        }
    }

    /// Pass 2: the union columns of each layer, `sampleCount × union.count` row-major.
    private func gather(_ sampleCount: Int, _ features: Batches, unions: [Int: [Int: Int]]) throws -> [Int: [Float]] {
        var tables: [Int: [Float]] = [:]
        let orders = unions.mapValues { union in union.sorted { $0.value < $1.value }.map(\.key) }
        for (layer, order) in orders { tables[layer] = [Float](repeating: 0, count: sampleCount * order.count) }
        try forEachBatch(sampleCount, features) { range, batch in
            for (layer, order) in orders {
                let f = layers[layer].featureCount, width = order.count
                batch[layer].withUnsafeBufferPointer { values in
                    tables[layer]!.withUnsafeMutableBufferPointer { table in
                        for (r, i) in range.enumerated() {
                            for (position, column) in order.enumerated() { table[i * width + position] = values[r * f + column] }
                        }
                    }
                }
            }
        }
        return tables
    }

    /// The fits of one unit, one result per K.
    private func fit(_ unit: ProbeUnit, gathered: [Float], positions: [Int: Int]) throws -> [ProbeResult] {
        let task = tasks[unit.task], split = splits[unit.split]
        let width = positions.count, kMax = unit.columns.count
        let columnPositions = unit.columns.map { positions[$0]! }
        func table(_ rows: [Int], k: Int) -> [Double] {
            var out = [Double](repeating: 0, count: rows.count * k)
            for (r, i) in rows.enumerated() {
                for c in 0..<k { out[r * k + c] = Double(gathered[i * width + columnPositions[c]]) }
            }
            return out
        }
        let train = split.trainIndices, test = split.testIndices
        func result(k: Int, metric: String, trainScore: Double, testScore: Double, baseline: Double,
                    iterations: Int, converged: Bool) -> ProbeResult {
            ProbeResult(layer: layers[unit.layer].name, target: task.name, k: k, split: unit.split, splitSeed: split.seed,
                        layerFeatures: layers[unit.layer].featureCount, trainRows: train.count, testRows: test.count,
                        metric: metric, trainScore: trainScore, testScore: testScore, baselineScore: baseline,
                        topFeature: unit.columns[0], topFScore: unit.topScore, iterations: iterations, converged: converged)
        }
        switch task.model {
        case let .logistic(c, classWeight):
            let trainLabels = train.map { task.labels[$0] }, testLabels = test.map { task.labels[$0] }
            let baseline = Classification.majorityBaselineAccuracy(training: trainLabels, test: testLabels)
            var start: (coefficients: [Double], intercept: Double)? = nil
            var out: [ProbeResult] = []
            for k in unit.ks {
                let trainTable = table(train, k: k), testTable = table(test, k: k)
                let model = try L2LogisticRegression.fit(features: trainTable, rows: train.count, columns: k,
                                                         outcomes: trainLabels, c: c, classWeight: classWeight, start: start)
                start = (model.coefficients, model.intercept)
                func accuracy(_ values: [Double], _ labels: [Bool]) -> Double {
                    let predicted = values.withUnsafeBufferPointer { buffer in
                        labels.indices.map { model.decision(UnsafeBufferPointer(rebasing: buffer[($0 * k)..<(($0 + 1) * k)])) > 0 }
                    }
                    return Classification.accuracy(predicted: predicted, actual: labels)
                }
                out.append(result(k: k, metric: "accuracy", trainScore: accuracy(trainTable, trainLabels),
                                  testScore: accuracy(testTable, testLabels), baseline: baseline,
                                  iterations: model.iterations, converged: model.converged))
            }
            return out
        case let .ridge(alpha):
            let trainValues = train.map { task.values[$0] }, testValues = test.map { task.values[$0] }
            let mean = trainValues.reduce(0, +) / Double(trainValues.count)
            let baseline = Regression.rSquared(predicted: testValues.map { _ in mean }, actual: testValues)
            let trainTable = table(train, k: kMax), testTable = table(test, k: kMax)
            let fits = try RidgeRegression.fit(features: trainTable, rows: train.count, columns: kMax, targets: trainValues,
                                               alpha: alpha, prefixes: unit.ks)
            return zip(unit.ks, fits).map { k, model in
                func score(_ values: [Double], _ actual: [Double]) -> Double {
                    let predicted = values.withUnsafeBufferPointer { buffer in
                        actual.indices.map { model.predict(UnsafeBufferPointer(rebasing: buffer[($0 * kMax)..<(($0 * kMax) + k)])) }
                    }
                    return Regression.rSquared(predicted: predicted, actual: actual)
                }
                return result(k: k, metric: "r2", trainScore: score(trainTable, trainValues),
                              testScore: score(testTable, testValues), baseline: baseline, iterations: 0, converged: true)
            }
        }
    }
}

/// A (layer, task, split) probe with its ranked columns.
private struct ProbeUnit: Sendable {
    var layer: Int
    var task: Int
    var split: Int
    var ks: [Int]
    /// The top K_max features, best first.
    var columns: [Int]
    var topScore: Double
}

/// One layer's accumulators, mutated by one worker at a time.
private final class AccumulatorBox: @unchecked Sendable {
    var accumulators: [FTestAccumulator] = []
}
