import Foundation
import OutputFiles
import Testing
import VideoEncoding

/// `VideoEncoder(metadata:)`: the pairs survive in MP4 and WebM container metadata (read with libavformat and found
/// in the file's bytes) and in a GIF comment block, without changing the frames.
@Suite("video metadata")
struct VideoMetadataTests {
    static let entries: [(key: String, value: String)] = [
        (key: "Software", value: "mazerender 0.10.0"),
        (key: "Command", value: "mazerender rollout --seeds 0..2 --out 'a b.mp4'"),
        (key: "Seeds", value: "0..2"),
        (key: "Patches", value: "cheese:coeff=-1"),
    ]

    func encode(_ name: String, in scratch: ScratchDirectory) throws -> String {
        let path = scratch.file(name)
        let frames = MovingSquare(width: 32, height: 24)
        let encoder = try VideoEncoder(path: path, width: 32, height: 24, fps: 10, metadata: Self.entries)
        for index in 0..<6 { try encoder.append(frames.frame(index)) }
        try encoder.finish()
        return path
    }

    @Test("MP4 and WebM: every key read back by libavformat (any case), plus a comment of Key: value lines",
          arguments: ["mp4", "webm"])
    func container(_ ext: String) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let path = try encode("m.\(ext)", in: scratch)
        let stored = try VideoMetadata.read(path: path)
        for (key, value) in Self.entries {
            let found = stored.first { $0.key.caseInsensitiveCompare(key) == .orderedSame }
            #expect(found?.value == value, "\(ext): \(key) in \(stored)")
        }
        let comment = stored.first { $0.key.caseInsensitiveCompare("comment") == .orderedSame }?.value
        #expect(comment.map(EmbeddedMetadata.parseLines).map { $0.map { "\($0.key)=\($0.value)" } }
                    == Self.entries.map { "\($0.key)=\($0.value)" })
        // Independent of libavformat's demuxer: the text is in the file as UTF-8.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        for (_, value) in Self.entries { #expect(bytes.range(of: Data(value.utf8)) != nil, "\(ext): \(value)") }
        #expect(try VideoProbe(path: path).frameCount == 6)
    }

    @Test("GIF: one comment block with the lines, the frames unchanged in number")
    func gif() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let path = try encode("m.gif", in: scratch)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let read = try EmbeddedMetadata.read(bytes, format: .gif, path: path)
        #expect(read.map { "\($0.key)=\($0.value)" } == Self.entries.map { "\($0.key)=\($0.value)" })
        #expect(try VideoProbe(path: path).frameCount == 6)
        #expect(try scratch.contents() == ["m.gif"])
    }
}
