import Foundation
import JobSupport
import OutputFiles
import PolicyExperiments

/// `run.json` of a `mazerender stats` folder: the options and model that produced `seeds.csv`. Shards of one run
/// agree on everything but `shard`; `stats merge` and `--resume` check that.
public struct StatsRun: Codable, Equatable, Sendable {
    public struct Model: Codable, Equatable, Sendable {
        public var path: String
        public var sha256: String
        public init(path: String, sha256: String) {
            self.path = path
            self.sha256 = sha256
        }
    }

    public var seeds: String
    public var shard: Shard?
    public var maxSteps: Int
    public var sample: UInt32?
    public var coefficients: [Float]
    public var model: Model
    public var columns: [String]

    public init(seeds: String, shard: Shard?, maxSteps: Int, sample: UInt32?, coefficients: [Float], model: Model,
                columns: [String]) {
        self.seeds = seeds
        self.shard = shard
        self.maxSteps = maxSteps
        self.sample = sample
        self.coefficients = coefficients
        self.model = model
        self.columns = columns
    }

    enum CodingKeys: String, CodingKey {
        case seeds, shard, maxSteps = "max_steps", sample, coefficients, model, columns
    }

    /// The settings as `run.json` records them (the keys of `CodingKeys`).
    public var json: JSONValue {
        .object([
            ("seeds", .string(seeds)),
            ("shard", shard.map { .object([("index", .int($0.index)), ("count", .int($0.count))]) } ?? .null),
            ("max_steps", .int(maxSteps)), ("sample", sample.map { .int(Int($0)) } ?? .null),
            ("coefficients", .floats(coefficients)),
            ("model", .object([("path", .string(model.path)), ("sha256", .string(model.sha256))])),
            ("columns", .array(columns.map { .string($0) })),
        ])
    }

    private struct Manifest: Decodable { var settings: StatsRun }

    /// Reads the settings of a stats folder's `run.json` (also the flat layout of versions before 0.10).
    static func read(_ path: String) throws -> StatsRun {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw JobError("\(path) is missing; is this a mazerender stats folder?")
        }
        if let manifest = try? JSONDecoder().decode(Manifest.self, from: data) { return manifest.settings }
        do { return try JSONDecoder().decode(StatsRun.self, from: data) } catch {
            throw JobError("\(path) is not a stats run description: \(error)")
        }
    }

    /// Throws naming the first field in which `other` differs (model by content, not path).
    func requireSame(as other: StatsRun, path: String, ignoringShard: Bool = false) throws {
        let differences: [(String, Bool)] = [
            ("seeds", seeds == other.seeds), ("shard", ignoringShard || shard == other.shard),
            ("max_steps", maxSteps == other.maxSteps), ("sample", sample == other.sample),
            ("coefficients", coefficients == other.coefficients), ("model", model.sha256 == other.model.sha256),
            ("columns", columns == other.columns),
        ]
        if let field = differences.first(where: { !$0.1 })?.0 {
            throw JobError("\(path): field '\(field)' differs from this run's; use the same options (or another \(setting: .out))")
        }
    }
}
