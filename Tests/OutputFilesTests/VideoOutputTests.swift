import CairoGraphics
import Foundation
import ModelFiles
import OutputFiles
import Testing
import VideoEncoding

/// The writers built on `OutputFile` / `StagedOutput` keep its promises on a full disk.
@Suite("writers on a full disk")
struct FullDiskWriterTests {
    @Test("a video that fills the disk mid-stream fails in one line naming the file and the cause, leaving nothing")
    func videoOnFullDisk() throws {
        guard let disk = SmallFileSystem(kilobytes: 256) else { return }  // needs root and mount; see OutputFileTests
        defer { disk.remove() }
        let path = disk.path + "/rollout.mp4"
        let width = 640, height = 480
        var frame = [UInt8](repeating: 0, count: width * height * 4)
        var generator = SystemRandomNumberGenerator()
        var failure: (any Error)?
        do {
            let encoder = try VideoEncoder(path: path, width: width, height: height, fps: 30)
            for _ in 0..<400 {
                for i in stride(from: 0, to: frame.count, by: 4) { frame[i] = UInt8.random(in: 0...255, using: &generator) }
                try encoder.append(frame)
            }
            try encoder.finish()
        } catch {
            failure = error
        }
        let error = try #require(failure, "400 frames of noise should not fit in 256 KiB")
        let text = String(describing: error)
        #expect(text.contains(path) && text.contains("No space left on device"), "\(text)")
        #expect(!text.contains("\n") && !text.contains(".rollout.mp4."))
        #expect(try disk.contents().isEmpty)
    }

    @Test("a figure and an .npy on a full disk leave nothing")
    func figureAndArrayOnFullDisk() throws {
        guard let disk = SmallFileSystem(kilobytes: 64) else { return }
        defer { disk.remove() }
        let canvas = try Canvas(width: 400, height: 400)
        // Noise does not compress: the PNG is far larger than the disk.
        var generator = SystemRandomNumberGenerator()
        try canvas.withUnsafePixels { pixels, _, _, _ in
            for i in 0..<pixels.count { pixels[i] = i % 4 == 3 ? 255 : UInt8.random(in: 0...255, using: &generator) }
        }
        #expect(throws: OutputFileError.self) { try canvas.writePNG(to: disk.path + "/figure.png") }
        #expect(throws: ModelFileError.self) {
            try NumpyFile.write(.float32(shape: [100, 1000], values: [Float](repeating: 1, count: 100_000)),
                                to: URL(fileURLWithPath: disk.path + "/acts.npy"))
        }
        #expect(try disk.contents().isEmpty)
    }
}
