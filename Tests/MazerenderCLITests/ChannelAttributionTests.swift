import ArgumentParser
import Attribution
import ExperimentJobs
import Foundation
import ImpalaPolicy
import MazeObservation
import MazeSimulation
import MazerenderCLI
import JobSupport
import OutputFiles
import PolicyGradients
import TestSupport
import Testing

/// `mazerender channels --attribution TARGET`: the attribution ranking recomputed level by level with the
/// library's `Attributor`, its order, and the summary's comparison recomputed from channels.csv.
@Suite("channels --attribution", .serialized, .tags(.slow), SlowTests.trait)
struct ChannelAttributionTests {
    static let agent = PackagePaths.root.appendingPathComponent(ModelLocator.bundledRelativePath).path
    static let layer = "embedder.block2.res1.resadd_out"

    static func run(_ arguments: [String]) throws {
        try Mazerender.run(arguments: arguments + ["--model", agent, "--assets", SharedFixtures.assetDirectory])
    }

    /// The grouped action from `cell` into the adjacent `next` (x right, y up), written out here independently.
    static func group(from cell: MazePoint, to next: MazePoint) -> ActionGroup? {
        switch (next.x - cell.x, next.y - cell.y) {
        case (-1, 0): .left
        case (1, 0): .right
        case (0, 1): .up
        case (0, -1): .down
        default: nil
        }
    }

    @Test("attribution_mean is the per-level Attributor gradient × activation, summed per channel and averaged; ranks by |mean|; summary's Spearman from the CSV")
    func attributionColumns() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let seeds: [Int32] = Array(0..<8)
        try Self.run(["channels", "--seeds", "0..<8", "--top", "4", "--map-seeds", "0", "--attribution", "toward-cheese",
                      "--out", scratch.file("ch")])
        let text = try String(contentsOfFile: scratch.file("ch/channels.csv"), encoding: .utf8)
        let table = try CSVTable(parsing: text, file: "channels.csv")
        #expect(table.columns == ChannelsJob.columns + ["attribution_mean", "attribution_rank"])
        let channels = table.column("channel")!.compactMap(Int.init)
        let means = table.column("attribution_mean")!.compactMap(Double.init)
        let ranks = table.column("attribution_rank")!.compactMap(Int.init)
        let fRanks = table.column("rank")!.compactMap(Int.init)
        try #require(channels.count == 32 && means.count == 32 && ranks.count == 32 && fRanks.count == 32)

        // Independently: each level with a decision square, mouse on it, P(step toward the cheese).
        let network = try ModelLocator.loadNetwork(explicit: Self.agent)
        let renderer = try SharedFixtures.renderer()
        let attributor = Attributor(network: network)
        var sums = [Double](repeating: 0, count: 32)
        var measured = 0
        for seed in seeds {
            var maze = LevelGenerator().generate(seed: seed)
            guard maze.cheese != nil, let square = maze.decisionSquare, let path = maze.pathToCheese,
                  let at = path.firstIndex(of: square), at + 1 < path.count,
                  let group = Self.group(from: square, to: path[at + 1]) else { continue }
            try maze.placeMouse(at: square)
            let result = try attributor.attribute(.probability(group), observation: renderer.networkInput(for: [maze]),
                                                  variable: .activation(Self.layer), method: .gradientTimesInput)
            #expect(result.attribution.shape == [32, 16, 16])
            for c in 0..<32 {
                sums[c] += result.attribution.scalars[(c * 256)..<((c + 1) * 256)].reduce(0.0) { $0 + Double($1) }
            }
            measured += 1
        }
        try #require(measured >= 2, "too few decision squares in seeds 0..<8")
        var worst = 0.0
        for (row, channel) in channels.enumerated() {
            let expected = sums[channel] / Double(measured)
            let error = abs(means[row] - expected) / max(abs(expected), 1e-12)
            worst = max(worst, error)
            #expect(error <= 1e-5, "channel \(channel): \(means[row]) vs \(expected)")
        }
        print("channels --attribution: \(measured) levels, largest relative difference from Attributor \(worst)")

        // Ranks: 1...32, ordered by |mean| descending (ties by channel).
        #expect(Set(ranks) == Set(1...32))
        let byRank = zip(ranks, zip(channels, means)).sorted { $0.0 < $1.0 }.map(\.1)
        for (a, b) in zip(byRank, byRank.dropFirst()) {
            #expect(abs(a.1) > abs(b.1) || (abs(a.1) == abs(b.1) && a.0 < b.0), "\(a) before \(b)")
        }

        // summary.md: the Spearman correlation and the top-4 sets, recomputed from the CSV.
        let summary = try String(contentsOfFile: scratch.file("ch/summary.md"), encoding: .utf8)
        let d2 = zip(fRanks, ranks).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }
        let rho = 1 - 6 * d2 / (32.0 * (32.0 * 32.0 - 1))
        let line = try #require(summary.split(separator: "\n").first { $0.contains("Spearman rank correlation") })
        let stated = try #require(Double(line.split(separator: " ").last!))
        #expect(abs(stated - rho) < 1e-12, "\(line) vs \(rho)")
        let topF = zip(fRanks, channels).sorted { $0.0 < $1.0 }.prefix(4).map(\.1)
        let topA = zip(ranks, channels).sorted { $0.0 < $1.0 }.prefix(4).map(\.1)
        #expect(summary.contains("Top 4 by F score: " + topF.map(String.init).joined(separator: ", ")))
        #expect(summary.contains("Top 4 by attribution: " + topA.map(String.init).joined(separator: ", ")))
        #expect(summary.contains("In both: \(Set(topF).intersection(topA).count) of 4"))
        #expect(summary.contains("averaged over \(measured) levels"))
        #expect(FileManager.default.fileExists(atPath: scratch.file("ch/attribution.png")))
        let manifest = try String(contentsOfFile: scratch.file("ch/run.json"), encoding: .utf8)
        #expect(manifest.contains("\"attribution\": \"toward-cheese\"") || manifest.contains("\"attribution\":\"toward-cheese\""))
        print("channels --attribution: Spearman \(rho), top-4 shared \(Set(topF).intersection(topA).count)")
    }

    @Test("the channel guide's example runs as written and gives the numbers the guide quotes")
    func guideExample() throws {
        let guide = try String(contentsOf: PackagePaths.root.appendingPathComponent("docs/channels.md"), encoding: .utf8)
        let section = try #require(guide.components(separatedBy: "## Across levels: `channels --attribution`").dropFirst().first)
        let block = try #require(section.components(separatedBy: "```bash\n").dropFirst().first?.components(separatedBy: "```").first)
        let line = try #require(block.split(separator: "\n").first { $0.hasPrefix("mazerender channels") })
        var arguments = line.split(separator: " ").dropFirst().map(String.init)
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let outIndex = try #require(arguments.firstIndex(of: "--out")) + 1
        arguments[outIndex] = scratch.file(arguments[outIndex])
        try Self.run(arguments)
        let summary = try String(contentsOfFile: arguments[outIndex] + "/summary.md", encoding: .utf8)
        #expect(summary.contains("averaged over 606 levels (394 without a decision square left out)"), "\(summary)")
        #expect(summary.contains("Top 8 by attribution: 24, 16, 20, 5, 9, 30, 26, 1"), "\(summary)")
        #expect(summary.contains("Top 8 by F score: 24, 13, 16, 19, 9, 5, 20, 10"), "\(summary)")
        #expect(summary.contains("In both: 5 of 8"), "\(summary)")
        #expect(summary.contains("32 channels): 0.58797"), "\(summary)")
    }

    @Test("an unknown --attribution target is a usage error naming the option")
    func unknownTarget() {
        do {
            _ = try Mazerender.parseAsRoot(["channels", "--seeds", "0..<8", "--attribution", "sideways", "--out", "x"])
            Issue.record("parsed")
        } catch {
            let message = Mazerender.message(for: error)
            #expect(message.contains("--attribution 'sideways' is not a target"), "\(message)")
            #expect(Mazerender.exitCode(for: error).rawValue == 64)
        }
    }
}
