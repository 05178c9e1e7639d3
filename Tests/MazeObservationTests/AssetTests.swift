import Foundation
import MazeObservation
import Testing

/// Asset verification, the default lookup and the errors users see.
@Suite struct AssetTests {
    @Test("SHA-256 matches the FIPS 180-2 test vectors")
    func sha256Vectors() {
        #expect(SHA256.hexDigest([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hexDigest(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let twoBlocks = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(SHA256.hexDigest(twoBlocks) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hexDigest([UInt8](repeating: 0x61, count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("the checksums in the code equal the committed list Assets/procgen-assets.sha256")
    func checksumListsAgree() throws {
        let url = Fixtures.packageRoot.appendingPathComponent("Assets/procgen-assets.sha256")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map {
            $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        }
        #expect(lines.map { $0[1] } == ObservationAssets.files.map(\.path))
        #expect(lines.map { $0[0] } == ObservationAssets.files.map(\.sha256))
    }

    @Test("the installed assets decode to procgen's sizes")
    func decodedSizes() throws {
        let assets = try Fixtures.loadRenderer().assets
        let sizes = assets.images.map { [$0.width, $0.height] }
        #expect(sizes == [[128, 128], [128, 128], [27, 27], [512, 512]] + Array(repeating: [500, 500], count: 8))
        #expect(assets.images[2].bytes.enumerated().allSatisfy { $0.offset % 4 != 3 || $0.element == 0 || $0.element == 255 })
    }

    /// A copy of the installed assets in a fresh temporary directory.
    static func copyOfAssets() throws -> URL {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("mazerender-assets-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Fixtures.assetDirectory, to: copy)
        return copy
    }

    @Test("a missing file gives one error naming it and the set-up command")
    func missingFile() throws {
        _ = try Fixtures.loadRenderer()
        let copy = try Self.copyOfAssets()
        defer { try? FileManager.default.removeItem(at: copy) }
        let removed = copy.appendingPathComponent("misc_assets/cheese.png")
        try FileManager.default.removeItem(at: removed)
        let error = #expect(throws: ObservationAssetError.self) { try ObservationAssets(directory: copy.path) }
        let message = error?.description ?? ""
        #expect(message.contains("missing: \(removed.path)"))
        #expect(message.contains("Scripts/fetch-assets.sh"))
        #expect(!message.contains("mouse_move.png"), "only the missing file is named")
    }

    @Test("an altered file gives one error naming it, its checksum and the set-up command")
    func alteredFile() throws {
        _ = try Fixtures.loadRenderer()
        let copy = try Self.copyOfAssets()
        defer { try? FileManager.default.removeItem(at: copy) }
        let altered = copy.appendingPathComponent("kenney/Enemies/mouse_move.png")
        var bytes = try Data(contentsOf: altered)
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: altered)
        let error = #expect(throws: ObservationAssetError.self) { try ObservationAssets(directory: copy.path) }
        let message = error?.description ?? ""
        #expect(message.contains("altered: \(altered.path)"))
        #expect(message.contains(SHA256.hexDigest([UInt8](bytes))))
        #expect(message.contains("Scripts/fetch-assets.sh"))
    }

    @Test("an empty directory lists all 12 files as missing")
    func emptyDirectory() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("mazerender-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let error = #expect(throws: ObservationAssetError.self) { try ObservationAssets(directory: empty.path) }
        guard case let .invalidFiles(_, problems) = error else { Issue.record("expected invalidFiles"); return }
        #expect(problems.count == 12)
    }

    /// Compares lookups with symbolic links resolved (the package may be reached through a link).
    static func resolved(_ lookup: ObservationAssets.Lookup) -> String? {
        guard case .found(let path) = lookup else { return nil }
        return URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }

    @Test("default lookup: MAZERENDER_ASSETS wins, then Assets/procgen above the current directory")
    func defaultLookup() {
        let installed = Fixtures.assetDirectory.resolvingSymlinksInPath().path
        let fromEnvironment = ObservationAssets.defaultDirectory(
            environment: ["MAZERENDER_ASSETS": "/somewhere/else"], currentDirectory: "/", executablePath: nil)
        #expect(fromEnvironment == .found("/somewhere/else"))

        let nested = Fixtures.packageRoot.appendingPathComponent("Sources/MazeObservation").path
        let fromAncestor = ObservationAssets.defaultDirectory(environment: [:], currentDirectory: nested, executablePath: nil)
        #expect(Self.resolved(fromAncestor) == installed)

        let fromExecutable = ObservationAssets.defaultDirectory(
            environment: [:], currentDirectory: "/", executablePath: nested + "/SomeTool")
        #expect(Self.resolved(fromExecutable) == installed)

        let nowhere = ObservationAssets.defaultDirectory(environment: [:], currentDirectory: "/", executablePath: nil)
        #expect(nowhere == .notFound(searched: ["/Assets/procgen"]))
        #expect(ObservationAssetError.directoryNotFound(searched: ["/Assets/procgen"]).description.contains("Scripts/fetch-assets.sh"))
    }
}
