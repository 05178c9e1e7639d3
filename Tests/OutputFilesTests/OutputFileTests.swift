import Foundation
import OutputFiles
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("atomic output files")
struct OutputFileTests {
    @Test("a written file has the bytes, the umask's mode and no temporary file beside it")
    func writesWholeFile() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try OutputFile.write(bytes, to: scratch.file("data.bin"))
        #expect(FileManager.default.contents(atPath: scratch.file("data.bin")) == Data(bytes))
        #expect(try scratch.contents() == ["data.bin"])
        let mask = umask(0o022)
        umask(mask)
        let mode = try FileManager.default.attributesOfItem(atPath: scratch.file("data.bin"))[.posixPermissions] as? Int
        #expect(mode == Int(0o666 & ~mask))
        // Overwriting replaces the whole file.
        try OutputFile.write(text: "short", to: scratch.file("data.bin"))
        #expect(FileManager.default.contents(atPath: scratch.file("data.bin")) == Data("short".utf8))
    }

    @Test("a write failing part-way (ENOSPC through the seam) names the file and the cause and leaves nothing")
    func failingWriteLeavesNothing() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let path = scratch.file("figure.png")
        let failAfterFirstPiece = OutputFile.Syscalls { descriptor, bytes in
            if lseek(descriptor, 0, SEEK_CUR) > 0 {
                errno = ENOSPC
                return -1
            }
            return Glibc.write(descriptor, bytes.baseAddress, min(bytes.count, 1000))
        }
        let error = try #require(throws: OutputFileError.self) {
            try OutputFile.write([UInt8](repeating: 7, count: 5000), to: path, syscalls: failAfterFirstPiece)
        }
        #expect(error.code == ENOSPC && error.operation == "write" && error.path == path)
        #expect(error.description == "cannot write '\(path)': No space left on device (write); free some space or choose another folder")
        #expect(!error.description.contains("\n"))
        #expect(try scratch.contents().isEmpty)

        // An existing file under the name is left as it was.
        try OutputFile.write(text: "old", to: path)
        #expect(throws: OutputFileError.self) {
            try OutputFile.write([UInt8](repeating: 7, count: 5000), to: path, syscalls: failAfterFirstPiece)
        }
        #expect(FileManager.default.contents(atPath: path) == Data("old".utf8))
        #expect(try scratch.contents() == ["figure.png"])
    }

    @Test("a full disk for real (a 64 KiB tmpfs, where the machine allows mounting one)")
    func realFullDisk() throws {
        guard let disk = SmallFileSystem(kilobytes: 64) else { return }  // not root or no mount here: the seam test covers it
        defer { disk.remove() }
        let path = disk.path + "/big.npy"
        let error = try #require(throws: OutputFileError.self) {
            try OutputFile.write([UInt8](repeating: 1, count: 1 << 20), to: path)
        }
        #expect(error.code == ENOSPC && error.path == path)
        #expect(try disk.contents().isEmpty)
        // Space is given back: a small file fits afterwards.
        try OutputFile.write(text: "fits", to: path)
        #expect(try disk.contents() == ["big.npy"])
    }

    @Test("missing folder, a folder as the name: refused before anything is written", arguments: [
        ("missing/out.png", ENOENT), ("folder", EISDIR),
    ])
    func refusedBeforeWriting(name: String, code: Int32) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try FileManager.default.createDirectory(atPath: scratch.file("folder"), withIntermediateDirectories: false)
        let error = try #require(throws: OutputFileError.self) { try OutputFile.write(text: "x", to: scratch.file(name)) }
        #expect(error.code == code && error.description.contains(scratch.file(name)))
        #expect(try scratch.contents() == ["folder"])
    }

    @Test("concurrent writers of one path end with one writer's complete file, never a mix")
    func concurrentWritersDoNotInterleave() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let path = scratch.file("shared.bin")
        let size = 3 << 20
        for _ in 0..<3 {
            DispatchQueue.concurrentPerform(iterations: 6) { writer in
                try? OutputFile.write([UInt8](repeating: UInt8(writer + 1), count: size), to: path)
            }
            let data = try #require(FileManager.default.contents(atPath: path))
            #expect(data.count == size)
            let first = try #require(data.first)
            #expect((1...6).contains(first) && data.allSatisfy { $0 == first })
            #expect(try scratch.contents() == ["shared.bin"])
        }
    }

    @Test("a staged file is registered for interrupt clean-up until committed or discarded")
    func stagedOutputLifecycle() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let kept = try StagedOutput(path: scratch.file("kept.mp4"))
        #expect(FileManager.default.fileExists(atPath: kept.temporaryPath))
        #expect(kept.temporaryPath.hasPrefix(scratch.file(".kept.mp4.")))
        #expect(InterruptCleanup.pendingCount >= 1)
        kept.withDescriptor { descriptor in _ = Glibc.write(descriptor, "abc", 3) }
        try kept.commit()
        #expect(FileManager.default.contents(atPath: scratch.file("kept.mp4")) == Data("abc".utf8))

        do {
            let dropped = try StagedOutput(path: scratch.file("dropped.mp4"))
            _ = dropped.temporaryPath
        }  // released without commit: removed
        let discarded = try StagedOutput(path: scratch.file("discarded.mp4"))
        discarded.discard()
        discarded.discard()
        #expect(try scratch.contents() == ["kept.mp4"])
    }
}
