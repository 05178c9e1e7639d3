import ArgumentParser
import Foundation
import MazeObservation
import MazerenderCLI
import OutputFiles
import TestSupport
import Testing

/// Every picture and video says what made it: outputs written through the CLI (in process, on the scale-1
/// reference checkpoint) are read back with `mazerender info` and with a reader that shares no code with the
/// writer (Python's zlib/struct for PNG chunks and GIF blocks, Python's XML parser for SVG, poppler's `pdfinfo`
/// for PDF, the file's bytes for MP4/WebM). Also `--title`/`--size` and `info`'s errors.
@Suite("pictures and videos record their making", .serialized)
struct ProvenanceMetadataTests {
    static let extraArguments = ["--model", SharedFixtures.modelPath, "--assets", SharedFixtures.assetDirectory]

    /// Runs `mazerender ARGUMENTS --model <reference> --assets <procgen>`; returns the command line as recorded.
    @discardableResult
    static func run(_ arguments: [String]) throws -> [String] {
        let full = arguments + extraArguments
        try Mazerender.run(arguments: full)
        return ["mazerender"] + full
    }

    /// `Model: impala_s1_seed0_perturbed.pth (sha256 <first 12 hex digits>)`, computed from the file here.
    static func modelLine() throws -> String {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: SharedFixtures.modelPath)))
        let name = URL(fileURLWithPath: SharedFixtures.modelPath).lastPathComponent
        return "Model: \(name) (sha256 \(SHA256.hexDigest(bytes).prefix(12)))"
    }

    /// The lines `info` must print for an output of `command`.
    static func expectedLines(title: String? = nil, command: [String], seeds: String, patches: String?,
                              model: Bool = true) throws -> [String] {
        var lines: [String] = []
        if let title { lines.append("Title: \(title)") }
        lines.append("Software: mazerender \(MazerenderVersion.string)")
        lines.append("Command: \(Provenance(command: command).commandLine)")
        if model { lines.append(try modelLine()) }
        lines.append("Seeds: \(seeds)")
        if let patches { lines.append("Patches: \(patches)") }
        return lines
    }

    /// What `mazerender info PATH` prints.
    static func info(_ path: String) throws -> [String] {
        let command = try #require(try Mazerender.parseAsRoot(["info", path]) as? InfoCommand)
        return try command.report().split(separator: "\n").map(String.init)
    }

    /// Runs `python3 -c SCRIPT PATH` and returns its standard output; nil when python3 is not installed.
    static func python(_ script: String, _ path: String) throws -> String? {
        guard let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first(where: {
            FileManager.default.isExecutableFile(atPath: $0)
        }) else { return nil }
        return try output(of: python, ["-c", script, path])
    }

    static func output(of executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(executable) \(arguments.last ?? "") failed")
        return String(decoding: data, as: UTF8.self)
    }

    /// PNG text chunks with their CRCs checked by zlib, as `key: value` lines.
    static let pngReader = """
        import struct, sys, zlib
        data = open(sys.argv[1], 'rb').read()
        assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n'
        pos = 8
        while pos < len(data):
            length, kind = struct.unpack('>I4s', data[pos:pos + 8])
            body = data[pos + 8:pos + 8 + length]
            crc, = struct.unpack('>I', data[pos + 8 + length:pos + 12 + length])
            assert zlib.crc32(kind + body) & 0xffffffff == crc, kind
            if kind == b'tEXt':
                key, value = body.split(b'\\0', 1)
                print(key.decode('latin-1') + ': ' + value.decode('latin-1'))
            elif kind == b'iTXt':
                key, rest = body.split(b'\\0', 1)
                assert rest[0] == 0
                language, translated, text = rest[2:].split(b'\\0', 2)
                print(key.decode('latin-1') + ': ' + text.decode('utf-8'))
            pos += 12 + length
        """

    /// The SVG's `<metadata>` entries through Python's XML parser (which also checks the document is well formed).
    static let svgReader = """
        import sys, xml.etree.ElementTree as ET
        root = ET.parse(sys.argv[1]).getroot()
        ns = '{\(EmbeddedMetadata.svgNamespace)}'
        for element in root.iter(ns + 'entry'):
            print(element.get('key') + ': ' + element.text)
        """

    /// Every GIF comment block's text, found by walking all blocks.
    static let gifReader = """
        import sys
        d = open(sys.argv[1], 'rb').read()
        assert d[:6] in (b'GIF87a', b'GIF89a')
        pos = 13 + (3 << ((d[10] & 7) + 1) if d[10] & 0x80 else 0)
        def blocks(pos, keep):
            out = b''
            while d[pos]:
                if keep: out += d[pos + 1:pos + 1 + d[pos]]
                pos += 1 + d[pos]
            return pos + 1, out
        comments = []
        while d[pos] != 0x3B:
            if d[pos] == 0x21:
                label = d[pos + 1]
                pos, text = blocks(pos + 2, label == 0xFE)
                if label == 0xFE: comments.append(text.decode('utf-8'))
            elif d[pos] == 0x2C:
                flags = d[pos + 9]
                pos += 10 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0) + 1
                pos, _ = blocks(pos, False)
            else:
                raise SystemExit('unknown block %d' % d[pos])
        print('\\n'.join(comments))
        """

    @Test("vfield-diff pictures carry title, version, command line, model and SHA, seed and patches",
          arguments: ["png", "svg", "pdf"])
    func picture(_ ext: String) throws {
        let scratch = try ScratchFolder("provenance")
        defer { scratch.remove() }
        let path = scratch.file("diff.\(ext)")
        let title = "Seed 0 & <friends>, 'quoted'"
        let command = try Self.run(["vfield-diff", "--seed", "0", "--patch", "cheese:coeff=-1", "--patch", "top-right:coeff=0.5",
                                    "--title", title, "--size", "64", "--out", path])
        let expected = try Self.expectedLines(title: title, command: command, seeds: "0",
                                              patches: "cheese:coeff=-1; top-right:coeff=0.5")
        #expect(try Self.info(path) == expected)
        switch ext {
        case "png":
            guard let lines = try Self.python(Self.pngReader, path) else { return }
            #expect(lines.split(separator: "\n").map(String.init) == expected)
        case "svg":
            guard let lines = try Self.python(Self.svgReader, path) else { return }
            #expect(lines.split(separator: "\n").map(String.init) == expected)
        default:
            guard FileManager.default.isExecutableFile(atPath: "/usr/bin/pdfinfo") else {
                print("note: pdfinfo not found (Debian: poppler-utils); checking the PDF with info only")
                return
            }
            let text = try Self.output(of: "/usr/bin/pdfinfo", [path])
            #expect(text.contains("Title:           \(title)\n"))
            #expect(text.contains("Creator:         mazerender \(MazerenderVersion.string)\n"))
            // pdfinfo prints the multi-line Subject as it is, starting after "Subject:" and spaces.
            let subject = try #require(text.range(of: "Subject:"))
            let rest = text[subject.upperBound...].drop { $0 == " " }
            #expect(rest.hasPrefix(expected.joined(separator: "\n") + "\n"))
        }
    }

    @Test("rollout videos carry version, command line, model and SHA, seeds and patched variants",
          arguments: ["mp4", "webm", "gif"])
    func video(_ ext: String) throws {
        let scratch = try ScratchFolder("provenance")
        defer { scratch.remove() }
        let path = scratch.file("run.\(ext)")
        let command = try Self.run(["rollout", "--seeds", "0..2", "--max-steps", "2", "--variants", "original",
                                    "cheese:coeff=-1", "cv=top-right:coeff=1", "--out", path])
        let expected = try Self.expectedLines(command: command, seeds: "0..2",
                                              patches: "cheese:coeff=-1; cv=top-right:coeff=1.0")
        #expect(try Self.info(path) == expected)
        if ext == "gif" {
            guard let comment = try Self.python(Self.gifReader, path) else { return }
            #expect(comment.split(separator: "\n").map(String.init) == expected)
        } else {
            // Each value sits in the container as UTF-8 (MP4 `mdta` items, Matroska SimpleTags).
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            for line in expected {
                let value = String(line[line.range(of: ": ")!.upperBound...])
                #expect(bytes.range(of: Data(value.utf8)) != nil, "\(ext): \(value)")
            }
        }
    }

    @Test("animate videos carry title, version, command line, model and SHA, seeds and the sweep or the patch")
    func animation() throws {
        let scratch = try ScratchFolder("provenance")
        defer { scratch.remove() }
        let sweep = scratch.file("sweep.mp4")
        let sweepCommand = try Self.run(["animate", "--sweep", "cheese:coeff", "--from", "-1", "--to", "1", "--frames", "2",
                                         "--seeds", "0,1", "--size", "64", "--title", "A sweep", "--out", sweep])
        #expect(try Self.info(sweep) == (try Self.expectedLines(title: "A sweep", command: sweepCommand, seeds: "0,1",
                                                                patches: "cheese:coeff=-1.0..1.0 in 2 frames")))
        let rollout = scratch.file("rollout.gif")
        let rolloutCommand = try Self.run(["animate", "--rollout", "--seeds", "0", "--max-steps", "2", "--channels", "0",
                                           "--patch", "cheese:coeff=-1", "--size", "64", "--out", rollout])
        #expect(try Self.info(rollout) == (try Self.expectedLines(command: rolloutCommand, seeds: "0",
                                                                  patches: "cheese:coeff=-1.0")))
    }

    @Test("heatmap, figure and obs pictures record their seeds, patches and title")
    func otherPictures() throws {
        let scratch = try ScratchFolder("provenance")
        defer { scratch.remove() }
        let heatmap = scratch.file("heat.png")
        let heatmapCommand = try Self.run(["heatmap", "--seed", "7", "--channels", "1,2", "--patch", "cheese:coeff=-1",
                                           "--title", "Channels", "--size", "48", "--out", heatmap])
        #expect(try Self.info(heatmap) == Self.expectedLines(title: "Channels", command: heatmapCommand, seeds: "7",
                                                              patches: "cheese:coeff=-1"))

        let figure = scratch.file("figure.pdf")
        let template = PackagePaths.templateDirectory.appendingPathComponent("seed0-vector-field.json").path
        let figureCommand = try Self.run(["figure", template, "--size", "40", "--title", "From a template", "--out", figure])
        #expect(try Self.info(figure) == Self.expectedLines(title: "From a template", command: figureCommand, seeds: "0",
                                                             patches: nil))

        // obs loads no model: its PNG records no Model line; the pixels are the observation's, enlarged to --size.
        let observation = scratch.file("obs.png")
        try Mazerender.run(arguments: ["obs", "--seeds", "5", "--size", "128", "--title", "Level 5", "--out", observation,
                                       "--assets", SharedFixtures.assetDirectory])
        #expect(try Self.info(observation) == Self.expectedLines(
            title: "Level 5",
            command: ["mazerender", "obs", "--seeds", "5", "--size", "128", "--title", "Level 5", "--out", observation,
                      "--assets", SharedFixtures.assetDirectory],
            seeds: "5", patches: nil, model: false))
        let png = [UInt8](try Data(contentsOf: URL(fileURLWithPath: observation)))
        #expect(Array(png[16..<24]) == [0, 0, 0, 128, 0, 0, 0, 128])  // IHDR width, height
    }

    /// The root `<svg>`'s width and height in px, and the maze image's side as drawn (its `<image>` width times the
    /// scale of the `<use>` that places it) and top.
    static func svgGeometry(_ path: String) throws -> (width: Double, height: Double, mazeSide: Double, mazeTop: Double) {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        func number(after marker: String, in text: Substring) throws -> Double {
            let start = try #require(text.range(of: marker)).upperBound
            return try #require(Double(text[start...].prefix { "0123456789.-".contains($0) }))
        }
        func from(_ marker: String, in text: Substring) throws -> Substring {
            let range = try #require(text.range(of: marker), "no \(marker) in \(path)")
            return text[range.lowerBound...]
        }
        let root = try from("<svg", in: text[...])
        let image = try from("<image ", in: text[...])
        let use = try from("<use xlink:href=\"#image", in: text[...])
        let matrix = try from("matrix(", in: use).dropFirst("matrix(".count).prefix { $0 != ")" }
            .split(separator: ",").compactMap { Double($0) }
        try #require(matrix.count == 6)
        return (try number(after: "width=\"", in: root), try number(after: "height=\"", in: root),
                try number(after: "width=\"", in: image) * matrix[0], matrix[5])
    }

    @Test("--size is the maze panel's side in px; --title is drawn above it and stored")
    func titleAndSize() throws {
        let scratch = try ScratchFolder("provenance")
        defer { scratch.remove() }
        let plain = scratch.file("plain.svg"), titled = scratch.file("titled.svg")
        try Self.run(["vfield", "--seed", "0", "--size", "200", "--out", plain])
        try Self.run(["vfield", "--seed", "0", "--size", "200", "--title", "Seed 0", "--out", titled])
        let a = try Self.svgGeometry(plain), b = try Self.svgGeometry(titled)
        #expect(abs(a.mazeSide - 200) < 0.5 && abs(b.mazeSide - 200) < 0.5, "\(a) \(b)")
        #expect(a.width == 216 && b.width == 216)  // the panel and a 4 % margin each side
        #expect(b.mazeTop > a.mazeTop + 10 && b.height > a.height + 10, "the title takes a band above the panel")
        #expect(try Self.info(titled).first == "Title: Seed 0")
        #expect(try Self.info(plain).first?.hasPrefix("Software: ") == true)

        let defaultSize = scratch.file("default.svg")
        try Self.run(["vfield", "--seed", "0", "--out", defaultSize])
        #expect(abs(try Self.svgGeometry(defaultSize).mazeSide - 512) < 0.5)
    }

    @Test("--size and --title usage errors exit 64 naming the option",
          arguments: [["vfield", "--seed", "0", "--size", "16", "--out", "/tmp/x.png"],
                      ["vfield-diff", "--seed", "0", "--patch", "cheese", "--size", "5000", "--out", "/tmp/x.png"],
                      ["heatmap", "--seed", "0", "--channels", "1", "--size", "0", "--out", "/tmp/x.png"],
                      ["obs", "--seeds", "0", "--size", "100", "--out", "/tmp/x.png"],
                      ["obs", "--seeds", "0", "--size", "128", "--scale", "2", "--out", "/tmp/x.png"],
                      ["obs", "--seeds", "0..3", "--title", "x", "--out", "/tmp/x.npy"]])
    func usageErrors(_ arguments: [String]) {
        do {
            _ = try Mazerender.parseAsRoot(arguments)
            Issue.record("\(arguments) was accepted")
        } catch {
            let message = Mazerender.message(for: error)
            #expect(Mazerender.exitCode(for: error).rawValue == 64, "\(arguments)")
            #expect(message.contains("--size") || message.contains("--title"), "\(message)")
            #expect(!message.contains("\n"), "\(message)")
        }
    }

    /// The one-line error and exit code of `mazerender info PATH`.
    static func infoFailure(_ path: String) -> (message: String, code: Int32)? {
        do {
            try Mazerender.run(arguments: ["info", path])
            return nil
        } catch {
            return (Mazerender.message(for: error), Mazerender.exitCode(for: error).rawValue)
        }
    }

    @Test("info: a missing, foreign, unmarked or corrupt file is one line naming it, exit 1")
    func infoErrors() throws {
        let scratch = try ScratchFolder("provenance")
        defer { scratch.remove() }
        let picture = scratch.file("ok.png")
        try Mazerender.run(arguments: ["obs", "--seeds", "1", "--out", picture, "--assets", SharedFixtures.assetDirectory])
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: picture)))
        // The same PNG without its text chunks: a picture mazerender did not mark.
        var unmarked = Array(bytes.prefix(8)), offset = 8
        while offset < bytes.count {
            let length = Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            if type != "tEXt" && type != "iTXt" { unmarked += bytes[offset..<(offset + 12 + length)] }
            offset += 12 + length
        }
        let cases: [(name: String, bytes: [UInt8]?, says: String)] = [
            ("missing.png", nil, "cannot read the file"),
            ("notes.txt", Array("just text\n".utf8), "not a PNG, SVG, PDF, GIF, MP4 or WebM file"),
            ("unmarked.png", unmarked, "holds no mazerender metadata"),
            ("cut.png", Array(bytes.prefix(bytes.count / 2)), "corrupt file"),
            ("cut.mp4", Array(Data("\0\0\0\u{18}ftypisom\0\0\0\0isomiso2\0\0\u{10}\0moov".utf8)), "corrupt video file"),
        ]
        for item in cases {
            let path = scratch.file(item.name)
            if let content = item.bytes { try Data(content).write(to: URL(fileURLWithPath: path)) }
            let failure = try #require(Self.infoFailure(path), "\(item.name) was accepted")
            #expect(failure.code == 1, "\(item.name): exit \(failure.code)")
            #expect(failure.message.contains(path) && failure.message.contains(item.says), "\(failure.message)")
            #expect(!failure.message.contains("\n"), "\(failure.message)")
        }
        #expect(Self.infoFailure(picture) == nil)
    }
}
