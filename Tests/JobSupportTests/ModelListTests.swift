import Foundation
import JobSupport
import MazeObservation
import Testing
import TestSupport

/// `--models`: which checkpoints, in which order, and one clear line for every input that cannot be used.
@Suite("model lists: resolution, order and validation")
struct ModelListTests {
    @Test("a folder's checkpoints go by the last number in their names, numerically; names without one last")
    func ordering() {
        let names = ["step_10.pth", "notes.pth", "step_2.pth", "model_rand_region_15.pth", "step_1.safetensors",
                     "model_rand_region_9.pth", "Best.pth", "step_0002.pth", "run3_step_100000000000000000000.pth"]
        #expect(ModelList.ordered(names) == [
            "step_1.safetensors", "step_0002.pth", "step_2.pth", "model_rand_region_9.pth", "step_10.pth",
            "model_rand_region_15.pth", "run3_step_100000000000000000000.pth", "Best.pth", "notes.pth",
        ])
        #expect(ModelList.lastNumber(in: "maze_I_step_123456.pth") == "123456")
        #expect(ModelList.lastNumber(in: "v2-final.pth") == "2")
        #expect(ModelList.lastNumber(in: "step_000.pth") == "0")
        #expect(ModelList.lastNumber(in: "final.pth") == nil)
    }

    @Test("a folder: its checkpoint files in number order, other files passed over, each with name, SHA-256 and width")
    func folder() throws {
        let scratch = try ScratchFolder(); defer { scratch.remove() }
        for name in ["step_10.pth", "step_2.pth", ".hidden_1.pth"] {
            try FileManager.default.copyItem(atPath: PackagePaths.bundledModel, toPath: scratch.file(name))
        }
        try "notes".write(toFile: scratch.file("README.md"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: scratch.file("old_5.pth"), withIntermediateDirectories: false)
        let list = try ModelList.resolve([scratch.path])
        #expect(list.entries.map(\.name) == ["step_2.pth", "step_10.pth"])
        #expect(list.entries.map(\.path) == [scratch.file("step_2.pth"), scratch.file("step_10.pth")])
        let digest = SHA256.hexDigest([UInt8](try Data(contentsOf: URL(fileURLWithPath: PackagePaths.bundledModel))))
        #expect(list.entries.allSatisfy { $0.sha256 == digest && $0.scale == 1 })
        // Files keep the order given; a folder expands in its place.
        let given = try ModelList.resolve([scratch.file("step_10.pth"), PackagePaths.bundledModel])
        #expect(given.entries.map(\.name) == ["step_10.pth", "maze-rr5-scale1.pth"])
        let model = try given.entries[1].load()
        #expect(model.sha256 == digest && model.network.scale == 1 && model.path == PackagePaths.bundledModel)
    }

    /// The error's line for `items`; the test fails when they resolve.
    static func failure(_ items: [String], sameWidth: Bool = false) -> String {
        do {
            _ = try ModelList.resolve(items, sameWidth: sameWidth)
            Issue.record("\(items) resolved")
            return ""
        } catch {
            #expect(error.setting == .models)
            return error.description
        }
    }

    @Test("bad inputs: one line naming the file or folder and what to do")
    func badInputs() throws {
        let scratch = try ScratchFolder(); defer { scratch.remove() }
        let good = scratch.file("good_1.pth")
        try FileManager.default.copyItem(atPath: PackagePaths.bundledModel, toPath: good)
        try "not a checkpoint".write(toFile: scratch.file("broken_2.pth"), atomically: true, encoding: .utf8)
        try Data(TestCheckpoint.safetensors(scale: 1, actions: 7)).write(to: URL(fileURLWithPath: scratch.file("seven_3.safetensors")))
        try Data(TestCheckpoint.safetensors(scale: 2)).write(to: URL(fileURLWithPath: scratch.file("wide_4.safetensors")))
        try Data(TestCheckpoint.safetensors(entries: [("fc.weight", [2, 2])])).write(to: URL(fileURLWithPath: scratch.file("other_5.safetensors")))
        try FileManager.default.createDirectory(atPath: scratch.file("empty"), withIntermediateDirectories: false)
        try FileManager.default.createDirectory(atPath: scratch.file("notes"), withIntermediateDirectories: false)
        try "x".write(toFile: scratch.file("notes/README.md"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: scratch.file("again"), withIntermediateDirectories: false)
        try FileManager.default.copyItem(atPath: good, toPath: scratch.file("again/good_1.pth"))

        let cases: [([String], [String])] = [
            ([], ["names no checkpoint"]),
            ([good, scratch.file("missing.pth")], [scratch.file("missing.pth"), "no such file or folder"]),
            ([good, scratch.file("broken_2.pth")], [scratch.file("broken_2.pth"), "give a maze IMPALA checkpoint"]),
            ([scratch.file("seven_3.safetensors")], [scratch.file("seven_3.safetensors"), "7 actions", "not a procgen maze agent"]),
            ([scratch.file("other_5.safetensors")], [scratch.file("other_5.safetensors"), "cannot load the policy"]),
            ([scratch.file("empty")], [scratch.file("empty"), "no checkpoint files"]),
            ([scratch.file("notes")], [scratch.file("notes"), "no checkpoint files"]),
            ([good, good], [good, "named twice"]),
            ([good, scratch.path + "/./good_1.pth"], [scratch.path + "/./good_1.pth", "named twice", "also as \(good)"]),
            ([good, scratch.file("again")], [good, scratch.file("again/good_1.pth"), "same file name"]),
        ]
        for (items, parts) in cases {
            let line = Self.failure(items)
            #expect(!line.contains("\n"), "\(line)")
            for part in parts { #expect(line.contains(part), "\(items): \(line)") }
        }
        // A width unlike the first's is refused only where it matters.
        let wide = scratch.file("wide_4.safetensors")
        #expect(try ModelList.resolve([good, wide]).entries.map(\.scale) == [1, 2])
        let line = Self.failure([good, wide], sameWidth: true)
        #expect(line.contains(wide) && line.contains("width (scale) 2") && line.contains(good), "\(line)")
    }

    @Test("a checkpoint changed after resolution is refused when loaded, naming it")
    func changedFile() throws {
        let scratch = try ScratchFolder(); defer { scratch.remove() }
        let path = scratch.file("agent_1.pth")
        try FileManager.default.copyItem(atPath: PackagePaths.bundledModel, toPath: path)
        let list = try ModelList.resolve([path])
        try FileManager.default.removeItem(atPath: path)
        try Data(TestCheckpoint.safetensors(scale: 1)).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: JobError.self) { try list.entries[0].load() }
        #expect(error.setting == .models && error.description.contains(path) && error.description.contains("changed"))
    }
}

/// Small checkpoints written for the tests: safetensors of zeros, so no weights need to be shipped.
enum TestCheckpoint {
    /// A maze IMPALA of width `scale` with `actions` outputs (every weight zero).
    static func safetensors(scale: Int, actions: Int = 15) -> [UInt8] {
        let channels = [16 * scale, 32 * scale, 32 * scale]
        var entries: [(String, [Int])] = []
        var inChannels = 3
        for (index, width) in channels.enumerated() {
            for (conv, input) in [("conv", inChannels), ("res1.conv1", width), ("res1.conv2", width),
                                  ("res2.conv1", width), ("res2.conv2", width)] {
                entries += [("embedder.block\(index + 1).\(conv).weight", [width, input, 3, 3]),
                            ("embedder.block\(index + 1).\(conv).bias", [width])]
            }
            inChannels = width
        }
        entries += [("embedder.fc.weight", [256, channels[2] * 64]), ("embedder.fc.bias", [256]),
                    ("fc_policy.weight", [actions, 256]), ("fc_policy.bias", [actions]),
                    ("fc_value.weight", [1, 256]), ("fc_value.bias", [1])]
        return safetensors(entries: entries)
    }

    /// A safetensors file of Float32 zeros with these tensors.
    static func safetensors(entries: [(String, [Int])]) -> [UInt8] {
        var header: [String] = [], offset = 0
        for (name, shape) in entries {
            let bytes = 4 * shape.reduce(1, *)
            header.append("\"\(name)\":{\"dtype\":\"F32\",\"shape\":[\(shape.map(String.init).joined(separator: ","))],"
                + "\"data_offsets\":[\(offset),\(offset + bytes)]}")
            offset += bytes
        }
        let json = Array(("{" + header.joined(separator: ",") + "}").utf8)
        let length = UInt64(json.count)
        return (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) } + json + [UInt8](repeating: 0, count: offset)
    }
}
