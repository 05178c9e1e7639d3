import ActivationPatching
import Foundation
import ImpalaPolicy
import JobSupport
import MazeObservation
import MazeSimulation
import OutputFiles
import PolicyAnalysis
import PolicyExperiments

/// `mazerender stats`: the behavioural statistics of procgen-tools' `experiments/statistics` over a seed list
/// (or one shard of it), written into a folder:
/// - `seeds.csv`: one `BehaviourRow` per seed, in seed-list order;
/// - `run.json`: what produced it (`StatsRun`), so shards can be checked and merged;
/// - for a whole run (not a shard) with `features`, the analysis `StatsReport` writes beside them.
///
/// Rows are appended to `seeds.partial.csv` as they finish; an interrupted run leaves that file (and
/// `run.json`) for `--resume`, which computes only the missing seeds. It is removed when `seeds.csv` is written.
public struct StatsJob: Job {
    public var seeds: [Int32]
    public var seedsText: String
    public var shard: Shard?
    public var generator: LevelGenerator
    public var maxSteps: Int
    public var sampleSeed: UInt32?
    public var coefficients: [Float]
    /// Continue the unfinished run in `out` (computing only the missing seeds).
    public var resume: Bool
    /// What to do when `out` holds a finished earlier run (`resume` takes precedence).
    public var existing: ExistingOutput
    /// The maximum-likelihood regression's features; nil writes no analysis (only `seeds.csv` and `run.json`).
    public var features: [String]?
    /// The output folder.
    public var out: String
    /// Whether a failed or stopped run keeps its journal and `run.json` for `resume` (the default); false removes
    /// them, as a part of a `run(models:...)` run does.
    public var keepsJournal = true

    public init(seeds: [Int32], seedsText: String, shard: Shard? = nil, generator: LevelGenerator = LevelGenerator(),
                maxSteps: Int = 256, sampleSeed: UInt32? = nil, coefficients: [Float] = [-1], resume: Bool = false,
                features: [String]? = nil, out: String, existing: ExistingOutput = .refuse) {
        self.out = out
        self.existing = existing
        self.seeds = seeds
        self.seedsText = seedsText
        self.shard = shard
        self.generator = generator
        self.maxSteps = maxSteps
        self.sampleSeed = sampleSeed
        self.coefficients = coefficients
        self.resume = resume
        self.features = features
    }

    public static let tableName = "seeds.csv", journalName = "seeds.partial.csv", runName = "run.json"

    /// The checks that need no network (front ends call it before loading one; `run` calls it too).
    public func validate() throws(JobError) {
        guard !seeds.isEmpty else { throw JobError(.seeds, "is empty") }
        guard maxSteps >= 1 else { throw JobError(.maxSteps, "\(maxSteps) must be at least 1") }
        guard !coefficients.isEmpty else { throw JobError(.coefficients, "needs at least one coefficient") }
    }

    /// The seeds this run (or shard) plays.
    public var shardSeeds: [Int32] { shard?.part(of: seeds) ?? seeds }

    /// The table written (`seeds.csv`).
    public typealias Result = CSVTable

    /// Computes the rows and writes `out`, reporting seeds done. `run.json` records the context's model path and
    /// SHA-256. - Returns: the table written. - Throws: `JobError` naming the folder or the seed.
    public func run(in context: JobContext, progress: JobProgress.Handler? = nil) throws -> CSVTable {
        try runAnalysing(in: context, progress: progress).table
    }

    /// `run(in:progress:)` with the analysis `StatsReport` wrote (nil for a shard, without `features`, or with
    /// too few levels for the regressions).
    func runAnalysing(in context: JobContext, progress: JobProgress.Handler?) throws
        -> (table: CSVTable, analysis: BehaviourAnalysis?) {
        let model = StatsRun.Model(path: context.modelPath ?? "(not from a file)", sha256: context.modelSHA256 ?? "")
        return try run(network: context.network, renderer: context.renderer, model: model,
                       provenance: context.provenance, to: out, progress: JobProgress.counter(progress, unit: "seeds"))
    }

    /// What `run.json` records of this run with `model`.
    func runDescription(model: StatsRun.Model) -> StatsRun {
        StatsRun(seeds: seedsText, shard: shard, maxSteps: maxSteps, sample: sampleSeed, coefficients: coefficients,
                 model: model, columns: BehaviourRow.columns(coefficients: coefficients))
    }

    private func run(network: ImpalaNetwork, renderer: ObservationRenderer, model: StatsRun.Model,
                     provenance: Provenance, to directory: String, progress: ((Int, Int) -> Void)?) throws
        -> (table: CSVTable, analysis: BehaviourAnalysis?) {
        try validate()
        let info = runDescription(model: model), columns = info.columns
        let journalPath = directory + "/" + Self.journalName, runPath = directory + "/" + Self.runName
        var finished: [Int32: [String]] = [:]
        let unfinished = FileManager.default.fileExists(atPath: journalPath)
        if unfinished {
            guard resume else {
                throw JobError(.out, "\(directory) holds an unfinished run (\(Self.journalName)); add \(setting: .resume) to "
                    + "finish it, or choose another \(setting: .out)")
            }
            try StatsRun.read(runPath).requireSame(as: info, path: runPath)
            finished = try Self.readJournal(journalPath, columns: columns)
        }
        let folder = try RunFolder(directory, job: shard == nil ? "stats" : "stats shard \(shard!)", settings: info.json,
                                   provenance: provenance.describing(seeds: seedsText, patches: coefficients.map { "cheese:coeff=\($0)" }),
                                   existing: unfinished ? .resume : existing, resumable: keepsJournal)
        // A failed or interrupted run keeps its journal (and run.json) for `resume`, unless it is a part.
        defer { folder.abandonIfUnfinished(keeping: keepsJournal ? [Self.journalName] : []) }

        let todo = shardSeeds.filter { finished[$0] == nil }
        // A part's journal goes with a signal (registered before it exists, so there is no moment it would stay).
        let journalToken = keepsJournal ? -1 : InterruptCleanup.removeOnInterrupt(journalPath)
        defer { InterruptCleanup.forget(journalToken) }
        let journal = try Journal(path: journalPath, columns: columns)
        let evaluator = PolicyEvaluator(network: network, renderer: renderer)
        let statistics = BehaviourStatistics(generator: generator, maxSteps: maxSteps,
                                             selection: ActionSelection(sampleSeed: sampleSeed),
                                             coefficients: coefficients)
        let generator = self.generator
        var done = shardSeeds.count - todo.count
        progress?(done, shardSeeds.count)
        do {
            try statistics.rows(seeds: todo, evaluator: evaluator, cheeseVector: { seed, coefficient in
                try resolveEdits(specs: [PatchSpec(kind: .cheese, coeff: coefficient)], targetSeed: seed, network: network,
                                 renderer: renderer, generator: generator)
            }) { row in
                let cells = row.cells
                try journal.append(cells)
                finished[row.seed] = cells
                done += 1
                progress?(done, shardSeeds.count)
            }
        } catch {
            // Say what stays: the journal of the levels done, for `resume`.
            let failure = (error as? JobError) ?? JobError("\(error)")
            guard keepsJournal else { throw failure }
            throw failure.suffixed("; kept \(directory)/\(Self.journalName) (\(finished.count) of \(shardSeeds.count) levels done) and \(Self.runName): the same command with \(setting: .resume) continues")
        }
        let table = CSVTable(columns: columns, rows: shardSeeds.map { finished[$0]! })
        do { try table.write(to: directory + "/" + Self.tableName) } catch { throw JobError("\(error)") }
        journal.remove()
        var analysis: BehaviourAnalysis?
        if shard == nil, let features {
            analysis = try StatsReport.write(table: table, run: info, features: features, to: directory)
        }
        try folder.finish()
        return (table, analysis)
    }

    /// Rows already in an interrupted run's journal, by seed; a last line cut off mid-write is ignored.
    static func readJournal(_ path: String, columns: [String]) throws -> [Int32: [String]] {
        guard var text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw JobError("\(path) cannot be read; remove it to start the run afresh")
        }
        if !text.hasSuffix("\n"), let lastBreak = text.lastIndex(of: "\n") { text = String(text[...lastBreak]) }
        let table: CSVTable
        do { table = try CSVTable(parsing: text, file: path) } catch { throw JobError("\(error); remove it to start afresh") }
        guard table.columns == columns else {
            throw JobError("\(path) has other columns than this run; remove it or use the options it was started with")
        }
        var rows: [Int32: [String]] = [:]
        for row in table.rows { if let seed = Int32(row[0]) { rows[seed] = row } }
        return rows
    }

    /// The append-only CSV of finished rows.
    final class Journal: @unchecked Sendable {
        let path: String
        private let handle: FileHandle

        init(path: String, columns: [String]) throws {
            self.path = path
            if !FileManager.default.fileExists(atPath: path) {
                do { try OutputFile.write(text: CSVTable(columns: columns).text, to: path) } catch {
                    throw JobError("\(error)")
                }
            }
            guard let handle = FileHandle(forWritingAtPath: path) else { throw JobError("cannot append to \(path)") }
            handle.seekToEndOfFile()
            self.handle = handle
        }

        func append(_ cells: [String]) throws {
            let line = CSVTable(columns: cells).text
            do { try handle.write(contentsOf: Data(line.utf8)) } catch {
                throw JobError("cannot append to \(path): \(error.localizedDescription)")
            }
        }

        func remove() {
            try? handle.close()
            unlink(path)
        }
    }
}

extension StatsJob {
    /// Combines the folders of all N shards of one run into `directory`: `seeds.csv` equal to the single run's,
    /// and `run.json` without a shard. - Throws: `JobError` naming the folder that is missing, extra, unfinished
    /// or from another run.
    public static func merge(_ shardDirectories: [String], to directory: String,
                             features: [String]? = BehaviourAnalysis.claimedFeatures,
                             provenance: Provenance = Provenance(), existing: ExistingOutput = .refuse) throws -> CSVTable {
        let runs = try shardDirectories.map { folder -> (String, StatsRun) in
            let run = try StatsRun.read(folder + "/" + runName)
            guard run.shard != nil else { throw JobError("\(folder) is a whole run, not a shard; nothing to merge") }
            return (folder, run)
        }
        let count = runs[0].1.shard!.count
        for (folder, run) in runs {
            try run.requireSame(as: runs[0].1, path: folder + "/" + runName, ignoringShard: true)
            guard run.shard!.count == count else {
                throw JobError("\(folder) is shard \(run.shard!) but \(runs[0].0) is of \(count) shards")
            }
        }
        var byIndex: [Int: String] = [:]
        for (folder, run) in runs {
            if let other = byIndex[run.shard!.index] {
                throw JobError("\(folder) and \(other) are both shard \(run.shard!)")
            }
            byIndex[run.shard!.index] = folder
        }
        let missing = (1...count).filter { byIndex[$0] == nil }
        guard missing.isEmpty else {
            throw JobError("shards \(missing.map { "\($0)/\(count)" }.joined(separator: ", ")) are missing; run them first")
        }
        let seeds: [Int32]
        do { seeds = try SeedList(runs[0].1.seeds).seeds } catch { throw JobError("run.json seeds: \(error)") }
        var rows: [[String]] = []
        for index in 1...count {
            let folder = byIndex[index]!
            let path = folder + "/" + tableName
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw JobError("\(path) is missing: shard \(index)/\(count) has not finished (resume it with \(setting: .resume))")
            }
            let table: CSVTable
            do { table = try CSVTable(parsing: text, file: path) } catch { throw JobError("\(error)") }
            let expected = try Shard(index: index, count: count).part(of: seeds).map(String.init)
            guard table.columns == runs[0].1.columns, table.rows.map({ $0[0] }) == expected else {
                throw JobError("\(path) does not hold shard \(index)/\(count)'s seeds; was it written by this run?")
            }
            rows += table.rows
        }
        var whole = runs[0].1
        whole.shard = nil
        let table = CSVTable(columns: whole.columns, rows: rows)
        var recorded = provenance
        recorded.model = whole.model.path
        recorded.modelSHA256 = whole.model.sha256
        let folder = try RunFolder(directory, job: "stats merge", settings: whole.json,
                                   provenance: recorded.describing(seeds: whole.seeds), existing: existing)
        defer { folder.abandonIfUnfinished() }
        do { try table.write(to: directory + "/" + tableName) } catch { throw JobError("\(error)") }
        if let features { try StatsReport.write(table: table, run: whole, features: features, to: directory) }
        try folder.finish()
        return table
    }
}
