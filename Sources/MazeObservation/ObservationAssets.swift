import Foundation

/// procgen 0.10.7's images for `maze`, decoded and verified: the mouse, the sand wall tile, the cheese and the
/// 9 top-down backgrounds, as procgen's Qt painter holds them (sprites premultiplied, backgrounds opaque).
///
/// Load with `ObservationAssets.load()` (default directory) or `ObservationAssets(directory:)`. Every file's
/// SHA-256 is checked before it is decoded, so a render never silently uses a different image.
public struct ObservationAssets: Sendable {
    /// Path of each file under the asset directory with its SHA-256, in role order: mouse, wall, cheese,
    /// then backgrounds 0...8 (procgen's `background_index` order). Matches `Assets/procgen-assets.sha256`.
    public static let files: [(path: String, sha256: String)] = [
        ("kenney/Enemies/mouse_move.png", "a70e5818dfd7c9efcd6d4555edb3a12f99eb8ea4de2b32748b0dc16976e18e3d"),
        ("kenney/Ground/Sand/sandCenter.png", "d66859ab14bb9a34d68696a0a3ef65962fc162a05569cc90b8a500692f00a578"),
        ("misc_assets/cheese.png", "1f0c81625b99ce88a6f1c1adebab342a7eba490cc8ee5ea5b821be593d9e6796"),
        ("topdown_backgrounds/floortiles.png", "640ae3f1d606c2935a66560c5a49c5ae8ba69f2dbb88c3a01cdae70fa25f1a6d"),
        ("topdown_backgrounds/backgrounddetailed1.png", "03a11c3f856b684e5455a381df6681ef43d346549cd1878f3ea1c8b268bb25a2"),
        ("topdown_backgrounds/backgrounddetailed2.png", "555e54c7159e9d17b6c1b2b0378d281144c1c1d13e40bf546708a6b0e007032e"),
        ("topdown_backgrounds/backgrounddetailed3.png", "15f2b765201fe0b27846b729e4313b3d40ee6b1df029d0f57bf443d751908524"),
        ("topdown_backgrounds/backgrounddetailed4.png", "5aae45e4c3704a61a5bcee9f0b5f2d5b81243db9a3dbfb78ac5e845db3f89b92"),
        ("topdown_backgrounds/backgrounddetailed5.png", "0481e170c99d47d8d2abb012e447bc0e205ce0f824b234ee201b12201f5a975a"),
        ("topdown_backgrounds/backgrounddetailed6.png", "f444172bf8b9779faebc1e3dcc8e5392a5a63c8d328bd4b6e1e8557c4789ee5d"),
        ("topdown_backgrounds/backgrounddetailed7.png", "24144b5774964289f6caa8e40fb6a159be748aa1a477f95b3809bd28666ad030"),
        ("topdown_backgrounds/backgrounddetailed8.png", "aaaa77c0e2d23e36cb7405a53ccfff19ddd715e64a330fa82d2aba10df155acb"),
    ]

    /// The environment variable naming an asset directory; it wins over every other lookup.
    public static let environmentVariable = "MAZERENDER_ASSETS"
    /// Where the set-up script installs the assets, relative to the package root.
    public static let relativeDirectory = "Assets/procgen"
    /// The command that installs the assets.
    public static let setupCommand = "Scripts/fetch-assets.sh"

    /// The directory the assets were read from.
    public let directory: String
    /// The decoded files, straight RGBA, in `files` order.
    public let images: [StraightRGBAImage]

    let mouse: PackedImage
    let wall: PackedImage
    let cheese: PackedImage
    let backgrounds: [PackedImage]

    /// Reads, verifies and decodes the 12 files under `directory`.
    /// - Throws: `ObservationAssetError` listing every missing or altered file and naming the set-up command.
    public init(directory: String) throws(ObservationAssetError) {
        var contents: [[UInt8]] = []
        var problems: [ObservationAssetError.FileProblem] = []
        for (path, expected) in Self.files {
            let fullPath = (directory as NSString).appendingPathComponent(path)
            guard let data = FileManager.default.contents(atPath: fullPath) else {
                problems.append(.missing(path: fullPath))
                continue
            }
            let bytes = [UInt8](data)
            let actual = SHA256.hexDigest(bytes)
            if actual != expected { problems.append(.altered(path: fullPath, expected: expected, actual: actual)) }
            contents.append(bytes)
        }
        guard problems.isEmpty else { throw .invalidFiles(directory: directory, problems: problems) }

        var images: [StraightRGBAImage] = []
        for (bytes, file) in zip(contents, Self.files) {
            do {
                images.append(try PNGDecoder.decode(bytes))
            } catch {
                let fullPath = (directory as NSString).appendingPathComponent(file.path)
                throw .invalidFiles(directory: directory, problems: [.undecodable(path: fullPath, reason: error.description)])
            }
        }
        self.directory = directory
        self.images = images
        mouse = .premultiplied(images[0])
        wall = .premultiplied(images[1])
        cheese = .premultiplied(images[2])
        backgrounds = images[3...].map { .opaque($0) }
    }

    /// Loads from `directory`, or when it is nil from `defaultDirectory()`.
    public static func load(directory: String? = nil) throws(ObservationAssetError) -> ObservationAssets {
        if let directory { return try ObservationAssets(directory: directory) }
        switch defaultDirectory() {
        case .found(let found): return try ObservationAssets(directory: found)
        case .notFound(let searched): throw .directoryNotFound(searched: searched)
        }
    }

    /// The outcome of the default directory lookup.
    public enum Lookup: Hashable, Sendable {
        case found(String)
        /// No candidate exists; `searched` lists the directories tried, in order.
        case notFound(searched: [String])
    }

    /// The default asset directory: `$MAZERENDER_ASSETS` if set; else the first `Assets/procgen` found in the
    /// current directory or one of its ancestors; else in an ancestor of the running executable's directory.
    public static func defaultDirectory(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath,
        executablePath: String? = Bundle.main.executablePath
    ) -> Lookup {
        if let configured = environment[environmentVariable], !configured.isEmpty { return .found(configured) }
        let lookup = ProjectPaths.locate(relativeDirectory, currentDirectory: currentDirectory, executablePath: executablePath)
        if let found = lookup.found { return .found(found) }
        return .notFound(searched: lookup.searched)
    }
}

/// Why procgen's assets could not be used; the message says what to run.
public enum ObservationAssetError: Error, CustomStringConvertible, Equatable {
    public enum FileProblem: Hashable, Sendable {
        case missing(path: String)
        case altered(path: String, expected: String, actual: String)
        case undecodable(path: String, reason: String)
    }

    /// No `Assets/procgen` directory was found and `MAZERENDER_ASSETS` is not set.
    case directoryNotFound(searched: [String])
    /// Some files are missing, have the wrong SHA-256, or do not decode.
    case invalidFiles(directory: String, problems: [FileProblem])

    public var description: String {
        let remedy = "Run \(ObservationAssets.setupCommand) from the package root to install procgen 0.10.7's maze "
            + "assets into \(ObservationAssets.relativeDirectory), or point \(ObservationAssets.environmentVariable) "
            + "(or --assets) at a directory holding them."
        switch self {
        case .directoryNotFound(let searched):
            let shown = searched.prefix(4).joined(separator: ", ") + (searched.count > 4 ? ", ..." : "")
            return "procgen assets not found (looked for \(shown)). " + remedy
        case .invalidFiles(let directory, let problems):
            let lines = problems.map { problem -> String in
                switch problem {
                case .missing(let path): return "  missing: \(path)"
                case .altered(let path, let expected, let actual):
                    return "  altered: \(path) (SHA-256 \(actual), expected \(expected))"
                case .undecodable(let path, let reason): return "  not a readable PNG: \(path) (\(reason))"
                }
            }
            return "procgen assets in \(directory) are missing or altered:\n" + lines.joined(separator: "\n") + "\n" + remedy
        }
    }
}
