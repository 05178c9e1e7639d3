import Foundation
import MazeObservation
import TestSupport
import Testing

/// The shell examples of `README.md` and `docs/*.md`, run as a reader pastes them: every `mazerender ...` (or
/// `.build/release/mazerender ...`) line of a ```` ```bash ```` or ```` ```sh ```` block runs through bash on the
/// built program, in a scratch folder per document (with `Templates/` linked in), and must exit 0 and leave the
/// files its `--out`, `-o`, `--data`, `--json` and `--trace` name. A comment right before a block changes that:
/// `<!-- example: smaller --seeds 0..2 -->` sets options (replacing their values, or adding them) for a run too
/// long for CI; `<!-- example: skip: REASON -->` leaves the block out (a server, a browser, the published
/// checkpoint). Every block must be valid bash (`bash -n`).
@Suite("documentation examples", .serialized, .tags(.slow), SlowTests.trait)
struct DocumentationExampleTests {
    /// One block's worth of commands with the marker that applies to it.
    struct Block {
        let file: String
        /// 1-based line of the opening fence.
        let line: Int
        let text: String
        /// Command lines (continuations joined) that start with the program's name.
        let commands: [String]
        let marker: Marker?
    }

    enum Marker {
        case skip(reason: String)
        case smaller([(option: String, value: String)])
    }

    struct DocumentError: Error, CustomStringConvertible {
        let description: String
    }

    /// `README.md` and every `docs/*.md`, as paths relative to the package root.
    static func documents() throws -> [String] {
        let docs = try FileManager.default.contentsOfDirectory(atPath: PackagePaths.root.appendingPathComponent("docs").path)
            .filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
        return ["README.md"] + docs
    }

    static func read(_ file: String) throws -> String {
        try String(contentsOf: PackagePaths.root.appendingPathComponent(file), encoding: .utf8)
    }

    static func parseMarker(_ text: String, at place: String) throws -> Marker {
        if text.hasPrefix("skip:") {
            let reason = text.dropFirst("skip:".count).trimmingCharacters(in: .whitespaces)
            guard !reason.isEmpty else { throw DocumentError(description: "\(place): a skip marker needs a reason") }
            return .skip(reason: reason)
        }
        if text.hasPrefix("smaller ") {
            let words = text.dropFirst("smaller ".count).split(separator: " ").map(String.init)
            guard words.count >= 2, words.count % 2 == 0, stride(from: 0, to: words.count, by: 2).allSatisfy({ words[$0].hasPrefix("-") })
            else { throw DocumentError(description: "\(place): write `smaller --option value ...`, not `\(text)`") }
            return .smaller(stride(from: 0, to: words.count, by: 2).map { (words[$0], words[$0 + 1]) })
        }
        throw DocumentError(description: "\(place): unknown example marker `\(text)` (use `skip: REASON` or `smaller --option value`)")
    }

    /// The ```bash and ```sh blocks of `file`, each with the marker just before it. Other fenced blocks (text,
    /// mermaid) are passed over whole.
    static func blocks(in file: String) throws -> [Block] {
        let lines = try read(file).components(separatedBy: "\n")
        var blocks: [Block] = []
        var pending: (marker: Marker, line: Int)?
        var index = 0
        while index < lines.count {
            let line = lines[index]
            if line.hasPrefix("<!-- example:") {
                guard line.hasSuffix("-->") else { throw DocumentError(description: "\(file):\(index + 1): unclosed marker") }
                let body = line.dropFirst("<!-- example:".count).dropLast("-->".count).trimmingCharacters(in: .whitespaces)
                pending = (try parseMarker(body, at: "\(file):\(index + 1)"), index + 1)
                index += 1
                continue
            }
            if line.hasPrefix("```") {
                let language = line.dropFirst(3).trimmingCharacters(in: .whitespaces)
                guard let end = lines[(index + 1)...].firstIndex(where: { $0.hasPrefix("```") }) else {
                    throw DocumentError(description: "\(file):\(index + 1): unclosed code block")
                }
                let body = Array(lines[(index + 1)..<end])
                if language == "bash" || language == "sh" {
                    blocks.append(Block(file: file, line: index + 1, text: body.joined(separator: "\n"),
                                        commands: commandLines(body), marker: pending?.marker))
                } else if let pending {
                    throw DocumentError(description: "\(file):\(pending.line): a marker before a ```\(language) block")
                }
                pending = nil
                index = end + 1
                continue
            }
            if let marker = pending, !line.trimmingCharacters(in: .whitespaces).isEmpty {
                throw DocumentError(description: "\(file):\(marker.line): the marker is not right before a code block")
            }
            index += 1
        }
        return blocks
    }

    /// The lines that run the program, continuation lines (`\` at the end) joined with one space.
    static func commandLines(_ body: [String]) -> [String] {
        var joined: [String] = []
        var current = ""
        for line in body {
            let piece = current.isEmpty ? line : line.trimmingCharacters(in: .whitespaces)
            if piece.hasSuffix("\\") {
                current += piece.dropLast().trimmingCharacters(in: .whitespaces) + " "
            } else {
                joined.append(current + piece)
                current = ""
            }
        }
        return joined.filter { $0.hasPrefix("mazerender ") || $0.hasPrefix(".build/release/mazerender ") }
    }

    /// Splits a command line into shell words (single and double quotes, backslash escapes), stopping at a
    /// comment or an operator (`#`, `>`, `|`, `&`, `;`).
    static func words(_ command: String) -> [String] {
        var words: [String] = []
        var word = "", inWord = false, quote: Character?
        var characters = command.makeIterator()
        while let character = characters.next() {
            if let open = quote {
                if character == open { quote = nil } else { word.append(character) }
                continue
            }
            switch character {
            case "'", "\"": quote = character; inWord = true
            case "\\": if let next = characters.next() { word.append(next); inWord = true }
            case " ", "\t":
                if inWord { words.append(word); word = ""; inWord = false }
            case "#" where !inWord, ">", "|", "&", ";":
                if inWord { words.append(word) }
                return words
            default: word.append(character); inWord = true
            }
        }
        if inWord { words.append(word) }
        return words
    }

    /// `command` with each option set to the marker's value: the word after the option replaced, or the option
    /// appended when the command lacks it.
    static func applying(_ settings: [(option: String, value: String)], to command: String) -> String {
        var parts = command.components(separatedBy: " ")
        for (option, value) in settings {
            if let position = parts.firstIndex(of: option), position + 1 < parts.count {
                parts[position + 1] = value
            } else {
                parts += [option, value]
            }
        }
        return parts.joined(separator: " ")
    }

    /// The files and folders a command says it writes.
    static func outputs(of command: String) -> [String] {
        let words = words(command)
        return words.indices.dropLast().filter { ["--out", "-o", "--data", "--json", "--trace"].contains(words[$0]) }
            .map { words[$0 + 1] }
    }

    /// A scratch folder where `mazerender` and `.build/release/mazerender` are the built program and
    /// `Templates/` and `Assets/agent/` are the package's.
    static func workspace() throws -> ScratchFolder {
        let executable = try #require(InterruptTests.executable, "mazerender is not built beside the tests")
        let scratch = try ScratchFolder("mazerender-doc-examples")
        let manager = FileManager.default
        try manager.createDirectory(atPath: scratch.file("bin"), withIntermediateDirectories: true)
        try manager.createDirectory(atPath: scratch.file(".build/release"), withIntermediateDirectories: true)
        try manager.createSymbolicLink(atPath: scratch.file("bin/mazerender"), withDestinationPath: executable)
        try manager.createSymbolicLink(atPath: scratch.file(".build/release/mazerender"), withDestinationPath: executable)
        try manager.createSymbolicLink(atPath: scratch.file("Templates"), withDestinationPath: PackagePaths.templateDirectory.path)
        // The bundled agent's folder, for examples that name checkpoints by path (`--models Assets/agent/`).
        try manager.createDirectory(atPath: scratch.file("Assets"), withIntermediateDirectories: true)
        try manager.createSymbolicLink(atPath: scratch.file("Assets/agent"),
                                       withDestinationPath: PackagePaths.root.appendingPathComponent("Assets/agent").path)
        return scratch
    }

    /// Runs `script` with bash in `folder`; the exit status and the last of its standard error.
    static func bash(_ arguments: [String], in folder: ScratchFolder) throws -> (status: Int32, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = arguments
        process.currentDirectoryURL = folder.url
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = folder.file("bin") + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        if environment["MAZERENDER_ASSETS"] == nil { environment["MAZERENDER_ASSETS"] = PackagePaths.assetDirectory }
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        let errorPipe = Pipe()
        process.standardError = errorPipe
        try process.run()
        let error = errorPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: error.suffix(2000), as: UTF8.self))
    }

    @Test("the documents' markers parse and every shell block is valid bash")
    func blocksParseAndAreBash() throws {
        let scratch = try Self.workspace()
        defer { scratch.remove() }
        var count = 0
        for file in try Self.documents() {
            for block in try Self.blocks(in: file) {
                count += 1
                let script = scratch.file("block.sh")
                try block.text.write(toFile: script, atomically: true, encoding: .utf8)
                let result = try Self.bash(["-n", script], in: scratch)
                #expect(result.status == 0, "\(block.file):\(block.line): not valid bash: \(result.error)")
                if case .smaller? = block.marker {
                    #expect(!block.commands.isEmpty, "\(block.file):\(block.line): a `smaller` marker on a block without mazerender commands")
                }
            }
        }
        #expect(count > 20)
    }

    @Test("every example runs on the built program and writes the files it names")
    func examplesRun() throws {
        var ran = 0, skipped: [String] = []
        let started = Date()
        for file in try Self.documents() {
            let scratch = try Self.workspace()
            defer { scratch.remove() }
            for block in try Self.blocks(in: file) where !block.commands.isEmpty {
                if case .skip(let reason)? = block.marker {
                    skipped.append("\(block.file):\(block.line) (\(block.commands.count)): \(reason)")
                    continue
                }
                for written in block.commands {
                    var command = written
                    if case .smaller(let settings)? = block.marker { command = Self.applying(settings, to: written) }
                    let clock = Date()
                    let result = try Self.bash(["-c", command], in: scratch)
                    ran += 1
                    #expect(result.status == 0, "\(block.file):\(block.line): `\(command)` exited \(result.status): \(result.error)")
                    for output in Self.outputs(of: command) {
                        #expect(FileManager.default.fileExists(atPath: scratch.file(output)),
                                "\(block.file):\(block.line): `\(command)` did not write \(output)")
                    }
                    print(String(format: "%6.1f s  ", Date().timeIntervalSince(clock)) + "\(block.file):\(block.line)  \(command)")
                }
            }
        }
        print("documentation examples: \(ran) run, \(skipped.count) blocks skipped, in "
            + String(format: "%.0f s", Date().timeIntervalSince(started)))
        for line in skipped { print("  skipped \(line)") }
        #expect(ran > 40)
    }

    // MARK: The README's tour and its gallery

    /// The tour's commands (between `<!-- tour -->` and `<!-- /tour -->`) and the gallery picture shown after each.
    static func tour() throws -> [(command: String, picture: String)] {
        let readme = try read("README.md")
        let section = try #require(readme.components(separatedBy: "<!-- tour -->\n").dropFirst().first?
            .components(separatedBy: "<!-- /tour -->").first, "README.md has no <!-- tour --> section")
        var pairs: [(String, String)] = []
        var command: String?
        for line in section.components(separatedBy: "\n") {
            if line.hasPrefix("mazerender ") {
                #expect(command == nil, "tour: `\(command ?? "")` has no picture under it")
                command = line
            } else if let range = line.range(of: "Renders/gallery/") {
                let name = line[range.upperBound...].prefix { !"\")\" ".contains($0) }
                let shown = try #require(command, "tour: the picture \(name) follows no command")
                pairs.append((shown, String(name)))
                command = nil
            }
        }
        #expect(command == nil, "tour: `\(command ?? "")` has no picture under it")
        return pairs
    }

    /// `mazerender info FILE`'s `Command:` line.
    static func recordedCommand(_ path: String) throws -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(InterruptTests.executable))
        process.arguments = ["info", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text.split(separator: "\n").first { $0.hasPrefix("Command: ") }.map { String($0.dropFirst("Command: ".count)) }
    }

    /// A GIF's logical screen size.
    static func gifSize(_ bytes: Data) -> (Int, Int)? {
        guard bytes.count > 10, bytes.starts(with: Array("GIF8".utf8)) else { return nil }
        let b = [UInt8](bytes.prefix(10))
        return (Int(b[6]) | Int(b[7]) << 8, Int(b[8]) | Int(b[9]) << 8)
    }

    @Test("the README's tour: six to eight commands, each picture in Renders/gallery made by the command above it")
    func galleryMatchesTour() throws {
        let tour = try Self.tour()
        #expect((6...8).contains(tour.count), "the tour has \(tour.count) commands")
        let scratch = try Self.workspace()
        defer { scratch.remove() }
        let gallery = PackagePaths.root.appendingPathComponent("Renders/gallery")
        for (command, picture) in tour {
            #expect(Self.outputs(of: command) == [picture], "tour: `\(command)` is shown with \(picture)")
            let committed = gallery.appendingPathComponent(picture).path
            let committedBytes = try #require(FileManager.default.contents(atPath: committed), "\(committed) is missing: run Scripts/gallery.sh")
            let result = try Self.bash(["-c", command], in: scratch)
            try #require(result.status == 0, "`\(command)`: \(result.error)")
            let made = try #require(FileManager.default.contents(atPath: scratch.file(picture)))
            // What made the committed file: exactly this command.
            #expect(try Self.recordedCommand(committed) == command, "\(picture) was not made by `\(command)`: run Scripts/gallery.sh")
            if made == committedBytes { continue }
            // Not byte-identical (another BLAS kernel can move the last bits of a probability, and so an
            // anti-aliased edge): the same size, and the same picture up to such edges.
            if picture.hasSuffix(".png") {
                let a = try PNGDecoder.decode([UInt8](made)), b = try PNGDecoder.decode([UInt8](committedBytes))
                try #require(a.width == b.width && a.height == b.height,
                             "\(picture): the command makes \(a.width)x\(a.height), the gallery has \(b.width)x\(b.height); run Scripts/gallery.sh")
                let differing = zip(a.bytes, b.bytes).reduce(0) { $0 + (abs(Int($1.0) - Int($1.1)) > 24 ? 1 : 0) }
                #expect(Double(differing) < 0.005 * Double(a.bytes.count),
                        "\(picture): \(differing) of \(a.bytes.count) bytes differ from what the command makes; run Scripts/gallery.sh")
            } else {
                let a = try #require(Self.gifSize(made)), b = try #require(Self.gifSize(committedBytes), "\(picture) is not a GIF")
                #expect(a == b, "\(picture): the command makes \(a), the gallery has \(b); run Scripts/gallery.sh")
            }
        }
    }
}
