import OutputFiles
import PolicyAnalysis

extension EvaluationJob {
    /// What `evaluate --json` records besides the numbers: the model and the seed lists as the user wrote them.
    public struct ReportSource: Sendable {
        public var modelPath: String
        /// The network's width (IMPALA scale).
        public var scale: Int
        /// The `--seeds`, `--in-distribution-seeds` and `--decision-seeds` texts (`0..999`).
        public var seeds: String, inDistributionSeeds: String, decisionSeeds: String

        public init(modelPath: String, scale: Int, seeds: String, inDistributionSeeds: String, decisionSeeds: String) {
            self.modelPath = modelPath
            self.scale = scale
            self.seeds = seeds
            self.inDistributionSeeds = inDistributionSeeds
            self.decisionSeeds = decisionSeeds
        }
    }

    /// The report as one JSON object: `options` (model, scale, seed texts, rand_region, max_steps, selection,
    /// sample_seed), then per test the counts the table prints and their fractions (null for 0/0), and the
    /// decision-square medians at full precision (null without any decision square), and `forward`: the
    /// forward passes run, observations by how they were computed, and the share of the direct trunk
    /// convolution FLOPs spent (`flop_share`; `kernel_flop_share` counts Winograd products as done).
    public func json(_ report: Report, source: ReportSource) -> JSONValue {
        func fraction(_ part: Int, _ whole: Int) -> JSONValue { whole == 0 ? .null : .double(Double(part) / Double(whole)) }
        func number(_ value: Double) -> JSONValue { value.isFinite ? .double(value) : .null }
        let sampleSeed: JSONValue
        switch selection {
        case .argmax: sampleSeed = .null
        case .sample(let seed): sampleSeed = .int(Int(seed))
        }
        let options: JSONValue = .object([
            ("model", .string(source.modelPath)),
            ("scale", .int(source.scale)),
            ("seeds", .string(source.seeds)),
            ("in_distribution_seeds", .string(source.inDistributionSeeds)),
            ("decision_seeds", .string(source.decisionSeeds)),
            ("rand_region", .int(randRegion)),
            ("max_steps", .int(maxSteps)),
            ("selection", .string(selection == .argmax ? "argmax" : "sample")),
            ("sample_seed", sampleSeed),
        ])
        let decision = report.decision
        return .object([
            ("options", options),
            ("in_distribution", .object([
                ("reached", .int(report.inDistribution.reached)), ("total", .int(report.inDistribution.total)),
                ("fraction", fraction(report.inDistribution.reached, report.inDistribution.total)),
                ("by_size", .array(report.inDistributionBySize.map { band in
                    .object([
                        ("sizes", .string("\(band.band.lowerBound)-\(band.band.upperBound)")),
                        ("reached", .int(band.reached)), ("total", .int(band.total)),
                        ("fraction", fraction(band.reached, band.total)),
                    ])
                })),
            ])),
            ("cheese_anywhere", .object([
                ("reached", .int(report.anywhere.reached)), ("total", .int(report.anywhere.total)),
                ("fraction", fraction(report.anywhere.reached, report.anywhere.total)),
            ])),
            ("top_right_first", .object([
                ("count", .int(report.topRightFirst.count)), ("eligible", .int(report.topRightFirst.eligible)),
                ("fraction", fraction(report.topRightFirst.count, report.topRightFirst.eligible)),
            ])),
            ("decision_square", .object([
                ("seeds", .int(decision.seeds)),
                ("patch", "cheese:coeff=-1"),
                ("median_p_cheese", number(decision.medianOriginal)),
                ("median_p_cheese_patched", number(decision.medianPatched)),
                ("rose", .int(decision.rose)),
                ("rose_fraction", fraction(decision.rose, decision.seeds)),
            ])),
            ("forward", .object([
                ("passes", .int(report.forward.passes)),
                ("observations", .int(report.forward.observations)),
                ("incremental", .int(report.forward.incremental)),
                ("unchanged", .int(report.forward.unchanged)),
                ("full", .int(report.forward.full)),
                ("repeated", .int(report.forward.repeated)),
                ("flop_share", .double(report.forward.share)),
                ("kernel_flop_share", .double(report.forward.kernelShare)),
            ])),
        ])
    }
}
