import Foundation
import TestSupport
import VideoEncoding

/// A fresh empty directory under the system temporary directory, removed by `cleanUp()`.
struct ScratchDirectory {
    private let folder: ScratchFolder
    init() throws { folder = try ScratchFolder("videoencoding-tests") }
    var path: String { folder.path }
    func file(_ name: String) -> String { folder.file(name) }
    /// Every entry, hidden ones included.
    func contents() throws -> [String] { try folder.contents() }
    func cleanUp() { folder.remove() }
}

/// Synthetic test frames: a flat `background` with a `square`-coloured square moving right and down.
struct MovingSquare {
    var width: Int
    var height: Int
    var background: (UInt8, UInt8, UInt8) = (30, 120, 200)
    var square: (UInt8, UInt8, UInt8) = (240, 200, 40)
    var side: Int { max(2, min(width, height) / 6) }

    /// The square's top-left corner in frame `index`; it stays in the top-left half of the frame.
    func origin(_ index: Int) -> (x: Int, y: Int) {
        ((index * 3) % max(1, width / 2 - side), (index * 2) % max(1, height / 2 - side))
    }

    /// Frame `index` as packed pixels in `layout`, rows `bytesPerRow` apart (padding bytes are 0x77).
    func frame(_ index: Int, layout: PixelLayout = .bgra, bytesPerRow: Int? = nil) -> [UInt8] {
        let bpp = layout.bytesPerPixel, stride = bytesPerRow ?? width * bpp
        var pixels = [UInt8](repeating: 0x77, count: stride * height)
        let (sx, sy) = origin(index)
        for y in 0..<height {
            for x in 0..<width {
                let inside = x >= sx && x < sx + side && y >= sy && y < sy + side
                let (r, g, b) = inside ? square : background
                let o = y * stride + x * bpp
                if layout == .bgra {
                    pixels[o] = b; pixels[o + 1] = g; pixels[o + 2] = r; pixels[o + 3] = 255
                } else {
                    pixels[o] = r; pixels[o + 1] = g; pixels[o + 2] = b
                }
            }
        }
        return pixels
    }

    /// Writes `count` frames to `path` and finishes.
    func encode(to path: String, count: Int, fps: Int, layout: PixelLayout = .bgra, padding: Int = 0,
                codec: VideoCodec? = nil) throws {
        let encoder = try VideoEncoder(path: path, width: width, height: height, fps: fps, codec: codec)
        let stride = width * layout.bytesPerPixel + padding
        for index in 0..<count {
            try encoder.append(frame(index, layout: layout, bytesPerRow: stride), layout: layout, bytesPerRow: stride)
        }
        try encoder.finish()
    }
}

/// Largest per-channel difference between two colours.
func colourDistance(_ a: (red: UInt8, green: UInt8, blue: UInt8), _ b: (UInt8, UInt8, UInt8)) -> Int {
    max(abs(Int(a.red) - Int(b.0)), abs(Int(a.green) - Int(b.1)), abs(Int(a.blue) - Int(b.2)))
}

/// Peak signal-to-noise ratio in dB of a decoded frame against packed BGRA `expected` (`width * 4` bytes per
/// row), over the R, G and B channels; `.infinity` when they are equal.
func psnr(_ decoded: DecodedFrame, expected: [UInt8]) -> Double {
    var squared = 0
    for i in stride(from: 0, to: expected.count, by: 4) {
        for c in 0..<3 {
            let d = Int(decoded.pixels[i + c]) - Int(expected[i + c])
            squared += d * d
        }
    }
    guard squared > 0 else { return .infinity }
    let mse = Double(squared) / Double(expected.count / 4 * 3)
    return 10 * log10(255 * 255 / mse)
}
