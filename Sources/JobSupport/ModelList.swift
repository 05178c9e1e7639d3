import Foundation

/// Several policy checkpoints for one experiment, each run on its own (`evaluate`, `stats`; later `animate`):
/// the published `maze_I/model_rand_region_N.pth` (N = 1..15) or the checkpoints of one training run
/// (`…_step_123456.pth`). Resolved and validated before any work starts, so a typo in the 15th name fails in
/// a second, not after fourteen runs.
///
///     let models = try ModelList.resolve(["checkpoints/"])   // or ["a.pth", "b.pth"]
///     for entry in models.entries {
///         let model = try entry.load()                       // the network, with path and SHA-256
///         ... run the single-model job in JobContext(model: model, renderer: renderer) ...
///     }
public struct ModelList: Sendable, Equatable {
    /// One checkpoint of the list.
    public struct Entry: Sendable, Equatable {
        /// The path as given, or the folder joined with the file's name.
        public let path: String
        /// The file's name (`model_rand_region_5.pth`): what tables, plots and output folders call the model.
        public let name: String
        /// SHA-256 of the checkpoint's bytes, lowercase hexadecimal (as `run.json` records a single model).
        public let sha256: String
        /// The network's width (IMPALA scale: 1 for the bundled agent, 4 for the published ones).
        public let scale: Int

        public init(path: String, name: String, sha256: String, scale: Int) {
            self.path = path
            self.name = name
            self.sha256 = sha256
            self.scale = scale
        }

        /// Loads the network again (lists hold no networks, so a hundred checkpoints do not fill memory).
        /// - Throws: `JobError` about `models` when the file is gone or its bytes changed since `resolve`.
        public func load() throws(JobError) -> LoadedModel {
            let model: LoadedModel
            do {
                model = try ModelLocator.load(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw JobError(.models, error.message)
            }
            guard model.sha256 == sha256 else {
                throw JobError(.models, "\(path) changed while the run was going (SHA-256 \(sha256.prefix(12))… before, \(model.sha256.prefix(12))… now); run again once it stays put")
            }
            return model
        }
    }

    /// The checkpoints in the order resolved: as given, a folder's files by the number in their names.
    public let entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries }

    /// File extensions a folder is searched for (other files in it, notes or logs, are passed over).
    public static let checkpointExtensions: Set<String> = ["pth", "pt", "safetensors"]

    /// Resolves `items` (checkpoint files, or folders whose checkpoints are taken in `ordered(_:)` order, each
    /// in its place) and loads every checkpoint once to check it, never running code from it.
    /// - Parameter sameWidth: also require one network width (for jobs that combine the models' activations).
    /// - Throws: `JobError` about `models`, one line naming the file or folder and what to do: nothing given, a
    ///   missing path, a folder without checkpoints, a file given twice, two files of one name, a file that is
    ///   not a readable checkpoint or not a maze IMPALA network (15 actions), a width unlike the first's.
    public static func resolve(_ items: [String], sameWidth: Bool = false) throws(JobError) -> ModelList {
        guard !items.isEmpty else {
            throw JobError(.models, "names no checkpoint; give checkpoint files (.pth, .safetensors) or a folder of them")
        }
        var paths: [String] = []
        for item in items {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: item, isDirectory: &isFolder) else {
                throw JobError(.models, "\(item): no such file or folder; give checkpoint files or a folder of them")
            }
            if isFolder.boolValue {
                paths += try checkpoints(inFolder: item)
            } else {
                paths.append(item)
            }
        }
        var seen: [String: String] = [:], names: [String: String] = [:]
        for path in paths {
            let resolved = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
            if let earlier = seen[resolved] {
                throw JobError(.models, "\(path) is named twice\(earlier == path ? "" : " (also as \(earlier))"); give each checkpoint once")
            }
            seen[resolved] = path
            let name = URL(fileURLWithPath: path).lastPathComponent
            if let earlier = names[name] {
                throw JobError(.models, "\(earlier) and \(path) have the same file name, which names each model's row and output folder; rename or copy one of them")
            }
            names[name] = path
        }
        var entries: [Entry] = []
        for path in paths {
            let model: LoadedModel
            do {
                model = try ModelLocator.load(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw JobError(.models, error.message + "; give a maze IMPALA checkpoint (.pth or .safetensors) or leave it out")
            }
            guard model.network.actionCount == 15 else {
                throw JobError(.models, "\(path): an IMPALA network with \(model.network.actionCount) actions, not a procgen maze agent (15); leave it out")
            }
            let entry = Entry(path: path, name: URL(fileURLWithPath: path).lastPathComponent, sha256: model.sha256,
                              scale: model.network.scale)
            if sameWidth, let first = entries.first, first.scale != entry.scale {
                throw JobError(.models, "\(path) has width (scale) \(entry.scale) but \(first.path) has \(first.scale); give checkpoints of one width")
            }
            entries.append(entry)
        }
        return ModelList(entries: entries)
    }

    /// The checkpoint files directly inside `folder` (hidden files and other extensions passed over), in
    /// `ordered(_:)` order, as `folder/name` paths.
    /// - Throws: `JobError` about `models` when the folder cannot be read or holds no checkpoint.
    public static func checkpoints(inFolder folder: String) throws(JobError) -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw JobError(.models, "\(folder): cannot list the folder (\(error.localizedDescription)); check its permissions")
        }
        let found = names.filter { name in
            !name.hasPrefix(".") && checkpointExtensions.contains((name as NSString).pathExtension.lowercased())
                && !isFolder(folder + "/" + name)
        }
        guard !found.isEmpty else {
            throw JobError(.models, "\(folder): no checkpoint files (.pth, .pt, .safetensors) in this folder; give another folder or the files themselves")
        }
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        return ordered(found).map { prefix + $0 }
    }

    /// `names` ordered by the last number in each name (its extension left out), numerically, so that
    /// `step_2` comes before `step_10` and region 15 after region 9; equal numbers by name; names without a
    /// number after all the others, by name.
    public static func ordered(_ names: [String]) -> [String] {
        names.sorted { a, b in
            switch (lastNumber(in: a), lastNumber(in: b)) {
            case let (x?, y?):
                if x != y { return x.count != y.count ? x.count < y.count : x < y }
                return a < b
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a < b
            }
        }
    }

    /// The digits of the last number in `name` without its extension, leading zeros removed (`"0"` for zero),
    /// so that numbers of any length compare by length, then digit by digit; nil when the name has none.
    public static func lastNumber(in name: String) -> String? {
        let stem = (name as NSString).deletingPathExtension
        guard let end = stem.lastIndex(where: \.isASCIIDigit) else { return nil }
        var start = end
        while start > stem.startIndex, stem[stem.index(before: start)].isASCIIDigit { start = stem.index(before: start) }
        let digits = stem[start...end].drop { $0 == "0" }
        return digits.isEmpty ? "0" : String(digits)
    }

    private static func isFolder(_ path: String) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
