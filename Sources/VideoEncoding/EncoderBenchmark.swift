#if canImport(Glibc)
import Glibc
#endif

/// The result of `VideoEncoder.benchmark`.
public struct EncoderBenchmarkResult: Sendable, CustomStringConvertible {
    public var codec: VideoCodec
    public var width: Int, height: Int, frames: Int
    /// Wall-clock seconds spent in `append` and `finish` (drawing the test frames excluded).
    public var encodeSeconds: Double
    /// `frames / encodeSeconds`.
    public var framesPerSecond: Double { Double(frames) / encodeSeconds }
    /// Size of the written file in bytes.
    public var bytes: Int

    public var description: String {
        let fps = (framesPerSecond * 10).rounded() / 10
        return "\(codec) \(width)x\(height): \(frames) frames in \(encodeSeconds) s = \(fps) frames/s, \(bytes) bytes"
    }
}

extension VideoEncoder {
    /// Encodes `frames` synthetic BGRA frames (three squares moving over a gradient, redrawn per frame)
    /// to a file in `directory`, then deletes it. Only `append` and `finish` are timed.
    ///
    /// - Parameter fileExtension: `"mp4"` (H.264), `"webm"` (VP9) or `"gif"`.
    /// - Returns: encoded frames per second and file size. Cost: the encode itself, ~0.3 s for the defaults.
    public static func benchmark(width: Int = 1024, height: Int = 512, frames: Int = 120, fps: Int = 30,
                                 fileExtension: String = "mp4", directory: String = "/tmp") throws -> EncoderBenchmarkResult {
        let path = "\(directory)/videoencoding-benchmark-\(getpid()).\(fileExtension)"
        defer { unlink(path) }
        let encoder = try VideoEncoder(path: path, width: width, height: height, fps: fps)
        let clock = ContinuousClock()
        var elapsed = Duration.zero
        var pixels = [UInt8](repeating: 0, count: width * height * 4)
        for index in 0..<frames {
            drawTestFrame(into: &pixels, width: width, height: height, index: index)
            elapsed += try clock.measure { try encoder.append(pixels, layout: .bgra) }
        }
        elapsed += try clock.measure { try encoder.finish() }
        var status = stat()
        let bytes = stat(path, &status) == 0 ? Int(status.st_size) : 0
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return EncoderBenchmarkResult(codec: encoder.codec, width: width, height: height, frames: frames,
                                      encodeSeconds: seconds, bytes: bytes)
    }

    /// Gradient background with three flat squares whose positions depend on `index` (BGRA, width*4 per row).
    static func drawTestFrame(into pixels: inout [UInt8], width: Int, height: Int, index: Int) {
        pixels.withUnsafeMutableBufferPointer { buffer in
            for y in 0..<height {
                for x in 0..<width {
                    let o = (y * width + x) * 4
                    buffer[o] = UInt8(truncatingIfNeeded: 64 + y * 128 / height)
                    buffer[o + 1] = UInt8(truncatingIfNeeded: 32 + x * 96 / width)
                    buffer[o + 2] = 40
                    buffer[o + 3] = 255
                }
            }
            let side = max(1, min(width, height) / 5)
            let colors: [(UInt8, UInt8, UInt8)] = [(230, 60, 40), (40, 200, 90), (250, 220, 60)]
            for (n, color) in colors.enumerated() {
                let left = (index * (4 + 3 * n) + n * width / 3) % max(1, width - side)
                let top = (index * (2 + n) + n * height / 4) % max(1, height - side)
                for y in top..<top + side {
                    for x in left..<left + side {
                        let o = (y * width + x) * 4
                        buffer[o] = color.2; buffer[o + 1] = color.1; buffer[o + 2] = color.0
                    }
                }
            }
        }
    }
}
