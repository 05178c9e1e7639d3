import ArgumentParser
import MazeSimulation

extension SeedList: ExpressibleByArgument {
    public init?(argument: String) {
        guard let parsed = try? SeedList(argument) else { return nil }
        self = parsed
    }
}

/// Parses a `--seeds` value with a message that names the bad part (argument-parser exits 64).
func parseSeeds(_ text: String) throws -> SeedList {
    do {
        return try SeedList(text)
    } catch {
        throw usageError(error)
    }
}

extension DistributionMode: ExpressibleByArgument {}

/// Which level generator a command uses: `--mode`, `--generator`, `--rand-region`.
struct LevelOptions: ParsableArguments {
    @Option(help: "Distribution mode: hard (25x25 world) or easy (15x15 world).")
    var mode: DistributionMode = .hard

    @Option(name: .customLong("generator"),
            help: "Level generator: upstream (procgen's maze), aisc (procgenAISC maze_aisc), fixed-size (maze_fixed_size). (default: upstream)")
    var generatorName: VariantName?
    /// The former name of `--generator`, still read (`--variants` are policies in `rollout`).
    @Option(name: .customLong("variant"), help: .hidden)
    var formerGeneratorName: VariantName?

    @Option(help: "For --generator aisc: cheese in the top-right NxN region (0 = the corner itself). Default 5, the published agents' training setting.")
    var randRegion: Int?

    var variant: VariantName { generatorName ?? formerGeneratorName ?? .upstream }

    enum VariantName: String, ExpressibleByArgument, CaseIterable {
        case upstream, aisc
        case fixedSize = "fixed-size"
    }

    func validate() throws {
        if generatorName != nil && formerGeneratorName != nil {
            throw ValidationError("--variant is the old name of --generator; give one")
        }
        if let region = randRegion {
            guard variant == .aisc else { throw ValidationError("--rand-region applies only to --generator aisc") }
            guard region >= 0 else { throw ValidationError("--rand-region \(region) is negative; use 0 (corner) or a region size") }
        }
    }

    var generator: LevelGenerator {
        switch variant {
        case .upstream: LevelGenerator(mode: mode, variant: .upstream)
        case .aisc: LevelGenerator(mode: mode, variant: .aisc(randRegion: randRegion ?? 5))
        case .fixedSize: LevelGenerator(mode: mode, variant: .fixedSize)
        }
    }
}

/// The help of `--out FOLDER` and `--overwrite`, shared by every command that writes a folder.
enum OutputFolderHelp {
    static let out = ArgumentHelp("Output folder: new or empty (one run per folder; run.json lists what the run wrote).",
                                  valueName: "folder")
    static let overwrite = ArgumentHelp(
        "Replace the earlier run in --out: first remove exactly the files its run.json lists (other files stay).")
}
