/// One 64x64 RGB observation, exactly as procgen returns it: `[64, 64, 3]` bytes, row 0 at the top.
public struct Observation: Hashable, Sendable {
    public static let side = 64
    /// Bytes in one observation: 64 * 64 * 3.
    public static let byteCount = side * side * 3

    /// `[64, 64, 3]` bytes, R G B per pixel, row 0 at the top (procgen's `obs[row][column][channel]`).
    public let rgb: [UInt8]

    public init(rgb: [UInt8]) {
        precondition(rgb.count == Self.byteCount, "an observation has 64*64*3 bytes")
        self.rgb = rgb
    }

    /// From Qt RGB32 words (`0xAARRGGBB`, `[64, 64]`).
    init(canvas: [UInt32]) {
        var rgb = [UInt8](repeating: 0, count: Self.byteCount)
        rgb.withUnsafeMutableBufferPointer { rgb in
            for (i, word) in canvas.enumerated() {
                rgb[3 * i] = UInt8(truncatingIfNeeded: word >> 16)
                rgb[3 * i + 1] = UInt8(truncatingIfNeeded: word >> 8)
                rgb[3 * i + 2] = UInt8(truncatingIfNeeded: word)
            }
        }
        self.rgb = rgb
    }

    /// The pixel at `row` (0 = top) and `column`.
    public subscript(row: Int, column: Int) -> (red: UInt8, green: UInt8, blue: UInt8) {
        let i = 3 * (row * Self.side + column)
        return (rgb[i], rgb[i + 1], rgb[i + 2])
    }

    /// Copies the bytes into `output` as `[64, 64, 3]`.
    public func write(intoHWC output: UnsafeMutableBufferPointer<UInt8>) {
        precondition(output.count >= Self.byteCount, "output holds fewer than 64*64*3 bytes")
        _ = output.initialize(from: rgb)
    }

    /// Writes `[3, 64, 64]` floats, each byte divided by 255 (the policy's input layout).
    public func write(intoCHW output: UnsafeMutableBufferPointer<Float>) {
        precondition(output.count >= Self.byteCount, "output holds fewer than 3*64*64 floats")
        let plane = Self.side * Self.side
        for pixel in 0..<plane {
            for channel in 0..<3 {
                output[channel * plane + pixel] = Float(rgb[3 * pixel + channel]) / 255
            }
        }
    }

    /// The observation as `[3, 64, 64]` floats in 0...1 (byte / 255).
    public var chwFloats: [Float] {
        [Float](unsafeUninitializedCapacity: Self.byteCount) { buffer, count in
            write(intoCHW: buffer)
            count = Self.byteCount
        }
    }
}
