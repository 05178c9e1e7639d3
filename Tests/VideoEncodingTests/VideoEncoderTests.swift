import CFFmpeg
import Foundation
import Testing
import VideoEncoding

@Suite("VideoEncoder writes videos that decode to what was appended")
struct VideoEncoderTests {
    @Test("MP4 is H.264 yuv420p with every frame, the right duration and colours")
    func mp4RoundTrip() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let path = scratch.file("squares.mp4")
        let frames = MovingSquare(width: 320, height: 240)
        try frames.encode(to: path, count: 25, fps: 10)

        let probe = try VideoProbe(path: path)
        #expect(probe.codecName == "h264")
        #expect(probe.pixelFormat == "yuv420p")
        #expect(probe.width == 320 && probe.height == 240)
        #expect(probe.frameCount == 25)
        #expect(abs(probe.durationSeconds - 2.5) < 0.05, "duration \(probe.durationSeconds)")
        #expect(abs(probe.framesPerSecond - 10) < 0.01)
        #expect(try scratch.contents() == ["squares.mp4"], "temporary file left behind")
        // +faststart: the index ("moov" box) precedes the media data ("mdat") so browsers play at once.
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        func offset(of box: String) -> Int? {
            let tag = Array(box.utf8)
            return (0..<(bytes.count - 4)).first { Array(bytes[$0..<$0 + 4]) == tag }
        }
        #expect(try #require(offset(of: "moov")) < #require(offset(of: "mdat")))

        var seen = 0
        try VideoProbe.forEachFrame(path: path) { frame in
            // Bottom-right quarter is always background; the square's centre is always the square colour.
            #expect(colourDistance(frame.rgb(x: 280, y: 200), frames.background) <= 6)
            let (sx, sy) = frames.origin(frame.index)
            let centre = frame.rgb(x: sx + frames.side / 2, y: sy + frames.side / 2)
            #expect(colourDistance(centre, frames.square) <= 10, "frame \(frame.index): \(centre)")
            #expect(abs(frame.timeSeconds - Double(frame.index) / 10) < 0.001)
            seen += 1
        }
        #expect(seen == 25)
    }

    @Test("RGB24 input with padded rows encodes the same picture")
    func rgb24WithStride() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let path = scratch.file("rgb.MP4")
        let frames = MovingSquare(width: 128, height: 96, background: (200, 40, 60))
        try frames.encode(to: path, count: 7, fps: 30, layout: .rgb24, padding: 13)
        let probe = try VideoProbe(path: path)
        #expect(probe.frameCount == 7 && probe.width == 128 && probe.height == 96)
        #expect(abs(probe.durationSeconds - 7.0 / 30) < 0.01)
        try VideoProbe.forEachFrame(path: path) { frame in
            #expect(colourDistance(frame.rgb(x: 110, y: 80), frames.background) <= 6)
        }
    }

    @Test("GIF has every frame at the requested size with exact flat colours, even at odd sizes")
    func gifRoundTrip() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let path = scratch.file("squares.gif")
        let frames = MovingSquare(width: 161, height: 121)
        try frames.encode(to: path, count: 12, fps: 10)

        let probe = try VideoProbe(path: path)
        #expect(probe.codecName == "gif")
        #expect(probe.width == 161 && probe.height == 121)
        #expect(probe.frameCount == 12)
        #expect(abs(probe.durationSeconds - 1.2) < 0.05, "duration \(probe.durationSeconds)")
        try VideoProbe.forEachFrame(path: path) { frame in
            #expect(colourDistance(frame.rgb(x: 150, y: 110), frames.background) <= 1)
            let (sx, sy) = frames.origin(frame.index)
            #expect(colourDistance(frame.rgb(x: sx + 1, y: sy + 1), frames.square) <= 1)
        }
        // Loops forever: the NETSCAPE2.0 application extension with loop count 0.
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let netscape = Array("NETSCAPE2.0".utf8)
        let at = (0..<(bytes.count - 16)).first { Array(bytes[$0..<$0 + 11]) == netscape }
        #expect(at.map { bytes[$0 + 13] == 0 && bytes[$0 + 14] == 0 } == true)
    }

    @Test("GIF scenes with different colours keep them exactly (one palette from the statistics of all frames)")
    func gifPaletteChanges() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let path = scratch.file("scenes.gif")
        let scenes = [
            MovingSquare(width: 96, height: 64, background: (0, 0, 0), square: (255, 255, 255)),
            MovingSquare(width: 96, height: 64, background: (30, 120, 200), square: (240, 200, 40)),
            MovingSquare(width: 96, height: 64, background: (30, 120, 200), square: (240, 200, 40)),
            MovingSquare(width: 96, height: 64, background: (90, 20, 60), square: (10, 250, 130)),
        ]
        let encoder = try VideoEncoder(path: path, width: 96, height: 64, fps: 4)
        for (index, scene) in scenes.enumerated() { try encoder.append(scene.frame(index)) }
        try encoder.finish()
        #expect(try VideoProbe(path: path).frameCount == 4)
        try VideoProbe.forEachFrame(path: path) { frame in
            let scene = scenes[frame.index]
            let (sx, sy) = scene.origin(frame.index)
            #expect(colourDistance(frame.rgb(x: 90, y: 60), scene.background) <= 1, "frame \(frame.index)")
            #expect(colourDistance(frame.rgb(x: sx + 2, y: sy + 2), scene.square) <= 1, "frame \(frame.index)")
        }
    }

    @Test("GIF of textured frames: every frame faithful (mean PSNR >= 30 dB), exact timing, changed rectangles only")
    func gifTexturedFaithful() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let path = scratch.file("textured.gif")
        let width = 203, height = 151, count = 40, fps = 20
        // A smooth, many-coloured background (thousands of colours) under a square moving by 3 px a frame.
        func frame(_ index: Int) -> [UInt8] {
            var pixels = [UInt8](repeating: 255, count: width * height * 4)
            for y in 0..<height {
                for x in 0..<width {
                    let o = (y * width + x) * 4
                    let inside = (x - 3 * index) >= 20 && (x - 3 * index) < 44 && y >= 60 && y < 84
                    pixels[o] = inside ? 30 : UInt8(128 + 100 * sin(Double(x) / 23))
                    pixels[o + 1] = inside ? 220 : UInt8((x + y) * 255 / (width + height))
                    pixels[o + 2] = inside ? 250 : UInt8(120 + 90 * cos(Double(y) / 17))
                }
            }
            return pixels
        }
        let frames = (0..<count).map(frame)
        let encoder = try VideoEncoder(path: path, width: width, height: height, fps: fps)
        for pixels in frames { try encoder.append(pixels) }
        try encoder.finish()

        var ratios: [Double] = []
        try VideoProbe.forEachFrame(path: path) { decoded in
            #expect(abs(decoded.timeSeconds - Double(decoded.index) / Double(fps)) < 1e-6, "frame \(decoded.index)")
            ratios.append(min(psnr(decoded, expected: frames[decoded.index]), 99))
        }
        #expect(ratios.count == count)
        let mean = ratios.reduce(0, +) / Double(ratios.count)
        #expect(mean >= 30, "mean PSNR \(mean) dB")
        #expect(ratios.min()! >= 27, "worst frame \(ratios.min()!) dB")
        // Only the first frame is whole; the others store the square's old and new place.
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        #expect(size < width * height + (count - 1) * width * height / 5, "\(size) bytes")
    }

    @Test("GIF of a smooth gradient stays close to the input through dithering")
    func gifGradient() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let path = scratch.file("gradient.gif")
        let width = 256, height = 64
        var pixels = [UInt8](repeating: 255, count: width * height * 4)
        for y in 0..<height {
            for x in 0..<width {
                let o = (y * width + x) * 4
                pixels[o] = UInt8(y * 4); pixels[o + 1] = UInt8(255 - x); pixels[o + 2] = UInt8(x)
            }
        }
        let encoder = try VideoEncoder(path: path, width: width, height: height, fps: 5)
        try encoder.append(pixels)
        try encoder.append(pixels)
        try encoder.finish()
        try VideoProbe.forEachFrame(path: path) { frame in
            // Mean over 8x8 blocks: dithering keeps local averages near the source.
            var worst = 0
            for by in stride(from: 0, to: height, by: 8) {
                for bx in stride(from: 0, to: width, by: 8) {
                    var sum = [0, 0, 0], expected = [0, 0, 0]
                    for y in by..<by + 8 {
                        for x in bx..<bx + 8 {
                            let c = frame.rgb(x: x, y: y)
                            sum[0] += Int(c.red); sum[1] += Int(c.green); sum[2] += Int(c.blue)
                            expected[0] += x; expected[1] += 255 - x; expected[2] += y * 4
                        }
                    }
                    worst = max(worst, (0..<3).map { abs(sum[$0] - expected[$0]) / 64 }.max()!)
                }
            }
            #expect(worst <= 6, "block mean off by \(worst)")
        }
    }

    @Test("WebM is VP9 when libvpx-vp9 is available, else a clear error", .timeLimit(.minutes(5)))
    func webm() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let path = scratch.file("squares.webm")
        let frames = MovingSquare(width: 160, height: 90)
        guard avcodec_find_encoder_by_name("libvpx-vp9") != nil else {
            #expect(throws: VideoEncodingError.encoderUnavailable(name: "libvpx-vp9", path: path)) {
                try frames.encode(to: path, count: 3, fps: 10)
            }
            return
        }
        try frames.encode(to: path, count: 10, fps: 10)
        let probe = try VideoProbe(path: path)
        #expect(probe.codecName == "vp9")
        #expect(probe.pixelFormat == "yuv420p")
        #expect(probe.width == 160 && probe.height == 90 && probe.frameCount == 10)
        #expect(abs(probe.durationSeconds - 1.0) < 0.05, "duration \(probe.durationSeconds)")
    }

    @Test("MPEG-4 Part 2 can be requested for MP4")
    func mpeg4() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let path = scratch.file("part2.mp4")
        try MovingSquare(width: 64, height: 48).encode(to: path, count: 5, fps: 5, codec: .mpeg4)
        let probe = try VideoProbe(path: path)
        #expect(probe.codecName == "mpeg4" && probe.frameCount == 5)
    }

    @Test("encode speed at 1024x512 MP4 is reported")
    func benchmark() throws {
        let result = try VideoEncoder.benchmark(width: 1024, height: 512, frames: 90)
        print("VideoEncoder.benchmark:", result)
        #expect(result.framesPerSecond > 10)
        #expect(result.bytes > 0)
    }
}
