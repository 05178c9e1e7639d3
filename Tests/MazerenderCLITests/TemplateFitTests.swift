import Foundation
import TestSupport
import Testing

/// Templates that name channels the loaded model lacks are refused before any work, naming those that fit.
@Suite("templates fit the loaded model", .tags(.slow), SlowTests.trait)
struct TemplateFitTests {
    /// Runs the built program from the package root: exit status, stdout, stderr.
    static func program(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(InterruptTests.executable, "mazerender is not built"))
        process.arguments = arguments + ["--model", PackagePaths.bundledModel]
        process.currentDirectoryURL = PackagePaths.root
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    @Test("figure --list: every template, the channel-55 ones unfit for the 32-channel bundled agent; such a template is refused with the fitting ones named")
    func listAndRefuse() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: PackagePaths.root.appendingPathComponent("Templates").path)
            .filter { $0.hasSuffix(".json") }.sorted()
        let listed = try Self.program(["figure", "--list"])
        #expect(listed.status == 0, "\(listed.err)")
        let lines = listed.out.split(separator: "\n").map(String.init)
        #expect(lines.count == names.count)
        var fitting: [String] = []
        for (line, name) in zip(lines, names) {
            #expect(line.hasPrefix("Templates/\(name): "), "\(line)")
            if name.hasPrefix("channel55") {
                #expect(line.contains("does not fit") && line.contains("channel 55") && line.contains("0...31"), "\(line)")
            } else {
                #expect(line.hasSuffix(": fits"), "\(line)")
                fitting.append(name)
            }
        }
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let refused = try Self.program(["figure", "Templates/channel55-retargeting.json", "--out", scratch.file("f.png")])
        #expect(refused.status == 64)
        let errorLines = refused.err.split(separator: "\n")
        #expect(errorLines.count == 1, "\(refused.err)")
        #expect(refused.err.contains("does not fit this model") && refused.err.contains(fitting.joined(separator: ", ")), "\(refused.err)")
        #expect(try scratch.contents().isEmpty)
    }
}
