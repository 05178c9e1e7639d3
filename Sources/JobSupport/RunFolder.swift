import Foundation
import OutputFiles

/// What a run does with an output folder that already holds files.
public enum ExistingOutput: Sendable, Equatable {
    /// Refuse a folder that holds anything (the default): one run per folder.
    case refuse
    /// Remove exactly the files the folder's previous `run.json` lists, then write; files it does not list
    /// (a user's notes) stay, and a non-empty folder without a `run.json` is refused.
    case overwrite
    /// Continue the run the folder's `run.json` describes (the job checks that it is the same run).
    case resume
}

/// The folder of one run: refuses or clears what an earlier run left (`ExistingOutput`), records the run in
/// `run.json` (version, command line, model, settings, start and end time, and every file it wrote), and on
/// failure removes what it wrote so far and the folder if it made it.
///
///     let folder = try RunFolder(out, job: "scrub", settings: settingsJSON, context: context, existing: existing)
///     defer { folder.abandonIfUnfinished() }
///     ... write files into folder.path ...
///     try folder.finish()
public final class RunFolder: @unchecked Sendable {
    public static let manifestName = "run.json"

    public let path: String
    private let directory: OutputFolder
    private let job: String
    private let settings: JSONValue
    private let provenance: Provenance
    private let started: Date
    /// Files (relative paths) that were in the folder before this run and are not this run's.
    private let foreign: Set<String>
    private var finished = false
    /// The registration that makes SIGINT/SIGTERM remove the unfinished `run.json` (-1: none).
    private var interruptToken: Int32 = -1

    /// Opens `path` for a run of `job` (its command name, e.g. `scrub`) with `settings` (the job's options and
    /// seeds as JSON), recording `context`'s provenance, and writes the unfinished `run.json`. A signal that
    /// stops the program removes that `run.json` too (so the folder it made can go), unless `resumable` (a job
    /// that continues an interrupted run from its journal keeps it).
    /// - Throws: `JobError` about `.out` for a used folder (naming what to do), a folder that cannot be made, or
    ///   a previous `run.json` that cannot be read for `overwrite`.
    public init(_ path: String, job: String, settings: JSONValue, provenance: Provenance,
                existing: ExistingOutput = .refuse, resumable: Bool = false) throws(JobError) {
        let present = Self.files(in: path)
        var foreign = Set(present)
        foreign.remove(Self.manifestName)
        if !present.isEmpty {
            switch existing {
            case .refuse:
                let what = present.contains(Self.manifestName)
                    ? "holds an earlier run (\(Self.manifestName), \(present.count - 1) other file\(present.count == 2 ? "" : "s"))"
                    : "is not empty (\(present.count) file\(present.count == 1 ? "" : "s"), none made by a mazerender run)"
                throw JobError(.out, "\(path) \(what); add \(setting: .overwrite) to replace that run's files, or choose an empty or new \(setting: .out)")
            case .overwrite:
                let listed = try Self.listedFiles(in: path)
                for file in listed where foreign.contains(file) {
                    unlink(path + "/" + file)
                    foreign.remove(file)
                }
                unlink(path + "/" + Self.manifestName)
                Self.removeEmptyFolders(in: path)
                foreign = Set(Self.files(in: path))
            case .resume:
                // The journal and files of the unfinished run are this run's; nothing is foreign to it.
                foreign = []
            }
        }
        directory = try OutputFolder(path)
        self.path = path
        self.job = job
        self.settings = settings
        self.provenance = provenance
        self.foreign = foreign
        started = Date()
        try writeManifest(files: [], finished: false)
        if !resumable { interruptToken = InterruptCleanup.removeOnInterrupt(path + "/" + Self.manifestName) }
    }

    /// The run is complete: `run.json` gets the end time and the list of files this run wrote.
    public func finish() throws(JobError) {
        let files = Self.files(in: path).filter { !foreign.contains($0) && $0 != Self.manifestName }
        InterruptCleanup.forget(interruptToken)
        try writeManifest(files: files, finished: true)
        directory.keep()
        finished = true
    }

    /// Records the files written so far in `run.json` while the run goes on (it stays unfinished), so that a run
    /// of several parts stopped by a signal leaves a `run.json` that lists the finished parts for `overwrite`.
    public func record() throws(JobError) {
        try writeManifest(files: writtenFiles, finished: false)
    }

    /// The files this run has written so far (relative paths, sorted; `run.json` excluded).
    public var writtenFiles: [String] {
        Self.files(in: path).filter { !foreign.contains($0) && $0 != Self.manifestName }
    }

    /// For a run that failed: unless `finish()` ran, removes every file this run wrote except `keeping`
    /// (relative paths, e.g. a journal to resume from), `run.json` too unless something is kept, the emptied
    /// sub-folders, and the folder itself if this run made it and it is empty.
    public func abandonIfUnfinished(keeping: [String] = []) {
        guard !finished else { return }
        finished = true
        InterruptCleanup.forget(interruptToken)
        let keeping = keeping.filter { FileManager.default.fileExists(atPath: path + "/" + $0) }
        let kept = Set(keeping)
        for file in writtenFiles where !kept.contains(file) { unlink(path + "/" + file) }
        if keeping.isEmpty { unlink(path + "/" + Self.manifestName) }
        Self.removeEmptyFolders(in: path)
        if keeping.isEmpty { directory.discard() } else { directory.keep() }
    }

    private func writeManifest(files: [String], finished: Bool) throws(JobError) {
        var members: [(String, JSONValue)] = [
            ("mazerender", .string(provenance.version)),
            ("job", .string(job)),
            ("command", .string(provenance.commandLine)),
            ("model", .object([
                ("path", provenance.model.map { .string($0) } ?? .null),
                ("sha256", provenance.modelSHA256.map { .string($0) } ?? .null),
            ])),
            ("settings", settings),
            ("started", .string(Self.timestamp(started))),
            ("finished", finished ? .string(Self.timestamp(Date())) : .null),
        ]
        members.append(("files", .array(files.map { .string($0) })))
        do {
            try OutputFile.write(Array((JSONValue.object(members).indentedText + "\n").utf8),
                                 to: path + "/" + Self.manifestName)
        } catch {
            throw JobError(.out, "\(error)")
        }
    }

    /// UTC, ISO 8601 with milliseconds.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// The `files` a folder's `run.json` lists (relative paths inside the folder; anything else is ignored).
    /// - Throws: `JobError` about `.out` when the folder holds files but no readable `run.json`.
    static func listedFiles(in path: String) throws(JobError) -> [String] {
        let manifest = path + "/" + manifestName
        guard let data = FileManager.default.contents(atPath: manifest) else {
            throw JobError(.out, "\(path) holds files but no \(manifestName), so which are an earlier run's is unknown; remove them yourself or choose an empty \(setting: .out)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let files = object["files"] as? [String] else {
            throw JobError(.out, "\(manifest) is corrupt (no 'files' list); remove the earlier run's files yourself or choose an empty \(setting: .out)")
        }
        return files.filter { !$0.isEmpty && !$0.hasPrefix("/") && !$0.split(separator: "/").contains("..") }
    }

    /// Regular files under `path`, as sorted relative paths (empty when `path` is missing).
    public static func files(in path: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: path) else { return [] }
        var out: [String] = []
        while let item = walker.nextObject() as? String {
            var info = stat()
            if lstat(path + "/" + item, &info) == 0, (info.st_mode & S_IFMT) != S_IFDIR { out.append(item) }
        }
        return out.sorted()
    }

    /// Removes the empty sub-folders of `path`, deepest first (never `path` itself).
    static func removeEmptyFolders(in path: String) {
        guard let walker = FileManager.default.enumerator(atPath: path) else { return }
        var folders: [String] = []
        while let item = walker.nextObject() as? String {
            var info = stat()
            if lstat(path + "/" + item, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR { folders.append(item) }
        }
        for folder in folders.sorted(by: { $0.count > $1.count }) { rmdir(path + "/" + folder) }
    }
}

/// Settings as `run.json` records them.
public enum RunSettings {
    /// Seeds as compact text in `SeedList` syntax: runs of three or more consecutive seeds as `a..b`, joined by
    /// commas (`0..9,12`), so a 10,000-seed run stays one short line.
    public static func seeds(_ seeds: [Int32]) -> JSONValue { .string(seedsText(seeds)) }

    /// The text of `seeds(_:)` (`Provenance.seedText`, as pictures record seeds).
    public static func seedsText(_ seeds: [Int32]) -> String { Provenance.seedText(seeds) }
}
