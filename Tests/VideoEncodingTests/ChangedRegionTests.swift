import Foundation
import Testing
import VideoEncoding

/// `FrameConversion.changedRegions` must give exactly the bytes of `.wholeFrame`, while converting less.
@Suite("changed-region colour conversion writes the same bytes as whole-frame conversion")
struct ChangedRegionTests {
    /// A textured background (gradients and a checker, so every colour-conversion filter sees varied
    /// neighbours) with small rectangles that change per frame, some frames repeated and some changed
    /// everywhere; `seed` picks the rectangles.
    struct Scene {
        var width: Int, height: Int, layout: PixelLayout, padding: Int

        var stride: Int { width * layout.bytesPerPixel + padding }

        func frames(count: Int, seed: UInt64) -> [[UInt8]] {
            var random = seed
            func next(_ bound: Int) -> Int {
                random = random &* 6364136223846793005 &+ 1442695040888963407
                return Int((random >> 33) % UInt64(max(1, bound)))
            }
            let bpp = layout.bytesPerPixel
            var pixels = [UInt8](repeating: 0x55, count: stride * height)
            func put(_ x: Int, _ y: Int, _ r: Int, _ g: Int, _ b: Int) {
                let o = y * stride + x * bpp
                let (r8, g8, b8) = (UInt8(truncatingIfNeeded: r), UInt8(truncatingIfNeeded: g), UInt8(truncatingIfNeeded: b))
                if layout == .bgra {
                    pixels[o] = b8; pixels[o + 1] = g8; pixels[o + 2] = r8; pixels[o + 3] = 255
                } else {
                    pixels[o] = r8; pixels[o + 1] = g8; pixels[o + 2] = b8
                }
            }
            func background(shift: Int) {
                for y in 0..<height {
                    for x in 0..<width {
                        put(x, y, (x * 255 / width + shift) & 255, y * 255 / height, ((x / 3 + y / 3) % 2) * 90 + 40)
                    }
                }
            }
            background(shift: 0)
            var result: [[UInt8]] = []
            for index in 0..<count {
                switch index % 11 {
                case 5:
                    break  // repeated frame
                case 10:
                    background(shift: index)  // everything changes
                default:
                    for _ in 0..<(1 + next(3)) {
                        // Any offset and size, odd ones included, some reaching the frame's edges.
                        let w = 1 + next(width / 3), h = 1 + next(height / 3)
                        let x = next(width - w + 1), y = next(height - h + 1)
                        let (r, g, b) = (next(256), next(256), next(256))
                        for yy in y..<(y + h) { for xx in x..<(x + w) { put(xx, yy, r ^ (xx & 7), g, b ^ (yy & 3)) } }
                    }
                }
                result.append(pixels)
            }
            return result
        }

        /// Encodes `frames` to `path` with `conversion`.
        /// - Returns: tiles converted, tiles seen, and the encoder's input fingerprint.
        @discardableResult
        func encode(_ frames: [[UInt8]], to path: String, conversion: FrameConversion,
                    codec: VideoCodec? = nil) throws -> (converted: Int, seen: Int, fingerprint: UInt64) {
            let encoder = try VideoEncoder(path: path, width: width, height: height, fps: 10, codec: codec,
                                           conversion: conversion)
            for frame in frames { try encoder.append(frame, layout: layout, bytesPerRow: stride) }
            let tiles = encoder.convertedTiles
            try encoder.finish()
            return (tiles.converted, tiles.seen, encoder.inputFingerprint)
        }
    }

    // libx264's bytes are not compared: it wrote a few bytes differently for identical input in about 1 run in
    // 15 of a suite sharing the process (docs/performance.md). The pictures it is handed are, by fingerprint;
    // libavcodec's MPEG-4 Part 2 encoder is compared by bytes as well.
    @Test("the codec is handed the same pictures (MPEG-4: identical bytes), and most tiles are not converted again",
          arguments: [(PixelLayout.bgra, 0, 320, 240), (.bgra, 12, 206, 130), (.rgb24, 5, 250, 96)],
          [VideoCodec.h264, .mpeg4])
    func identicalPictures(shape: (PixelLayout, Int, Int, Int), codec: VideoCodec) throws {
        let (layout, padding, width, height) = shape
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let scene = Scene(width: width, height: height, layout: layout, padding: padding)
        let frames = scene.frames(count: 40, seed: UInt64(width * 7 + padding))
        let whole = scratch.file("whole.mp4"), changed = scratch.file("changed.mp4")
        let reference = try scene.encode(frames, to: whole, conversion: .wholeFrame, codec: codec)
        let (converted, seen, fingerprint) = try scene.encode(frames, to: changed, conversion: .changedRegions, codec: codec)
        #expect(reference.converted == 0)
        #expect(fingerprint == reference.fingerprint)
        let a = try #require(FileManager.default.contents(atPath: whole))
        let b = try #require(FileManager.default.contents(atPath: changed))
        #expect(a.count > 1000)
        if codec == .mpeg4 { #expect(a == b ? true : false, "\(codec): \(a.count) vs \(b.count) bytes") }
        // 40 frames: the first and 3 full changes are converted whole; small rectangles elsewhere.
        #expect(converted < seen * 3 / 4, "\(converted) of \(seen) tiles converted")
        #expect(converted >= seen * 4 / 40, "\(converted) of \(seen) tiles: the whole frames must be converted")
    }

    @Test("appendRepeat hands the codec what appending the same pixels again does (GIF: the same bytes)",
          arguments: ["mp4", "gif"])
    func repeats(container: String) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let scene = Scene(width: 160, height: 96, layout: .bgra, padding: 0)
        let frames = scene.frames(count: 24, seed: 11)
        let appended = scratch.file("appended.\(container)"), repeated = scratch.file("repeated.\(container)")
        let reference = try scene.encode(frames, to: appended, conversion: .wholeFrame)
        let encoder = try VideoEncoder(path: repeated, width: scene.width, height: scene.height, fps: 10)
        var repeats = 0
        for (index, frame) in frames.enumerated() {
            if index > 0 && frame == frames[index - 1] {
                try encoder.appendRepeat()
                repeats += 1
            } else {
                try encoder.append(frame, layout: .bgra, bytesPerRow: scene.stride)
            }
        }
        try encoder.finish()
        #expect(repeats == 2)
        #expect(encoder.inputFingerprint == reference.fingerprint)
        if container == "gif" {
            let a = try #require(FileManager.default.contents(atPath: appended))
            let b = try #require(FileManager.default.contents(atPath: repeated))
            #expect(a == b ? true : false, "\(a.count) vs \(b.count) bytes")
        }
        #expect(try VideoProbe(path: repeated).frameCount == frames.count)
    }

    @Test("appendRepeat before any frame is refused and removes the temporary file")
    func repeatFirst() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let encoder = try VideoEncoder(path: scratch.file("empty.mp4"), width: 64, height: 64, fps: 10)
        #expect(throws: VideoEncodingError.self) { try encoder.appendRepeat() }
        #expect(try scratch.contents().isEmpty)
    }
}
