import CFFmpeg

/// An order-sensitive 64-bit fingerprint of the frames handed to a codec (`VideoEncoder.inputFingerprint`).
///
/// Written here rather than taken from a hashing library: it only needs to tell two frame sequences apart in
/// tests, not resist an adversary, and it must cost little beside the encoder (each frame is read once, 8 bytes
/// at a time, with an FNV-1a style multiply per word).
struct FrameFingerprint {
    private(set) var value: UInt64 = Self.basis
    /// The last frame's own digest, folded in again by a repeat (a repeat is the same picture handed again).
    private var lastFrame: UInt64 = 0
    private static let basis: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    private static func mix(_ hash: inout UInt64, _ word: UInt64) {
        hash = (hash ^ word) &* prime
    }

    private static func digest(_ hash: inout UInt64, _ base: UnsafeRawPointer, rowBytes: Int, rows: Int, stride: Int) {
        mix(&hash, UInt64(rowBytes) << 32 | UInt64(rows))
        for y in 0..<rows {
            let row = base + y * stride
            var x = 0
            while x + 8 <= rowBytes {
                mix(&hash, row.loadUnaligned(fromByteOffset: x, as: UInt64.self))
                x += 8
            }
            var tail: UInt64 = 0
            while x < rowBytes {
                tail = tail << 8 | UInt64(row.load(fromByteOffset: x, as: UInt8.self))
                x += 1
            }
            mix(&hash, tail)
        }
    }

    private mutating func addFrame(_ frame: UInt64, timestamp: Int) {
        lastFrame = frame
        Self.mix(&value, frame)
        Self.mix(&value, UInt64(bitPattern: Int64(timestamp)))
    }

    /// Adds a frame of `rows` rows of `rowBytes` bytes each, `stride` bytes apart, at `timestamp`.
    mutating func add(_ pixels: UnsafeRawBufferPointer, rowBytes: Int, rows: Int, stride: Int, timestamp: Int) {
        var frame = Self.basis
        if let base = pixels.baseAddress { Self.digest(&frame, base, rowBytes: rowBytes, rows: rows, stride: stride) }
        addFrame(frame, timestamp: timestamp)
    }

    /// Adds a YUV 4:2:0 picture at `timestamp`: the visible bytes of its three planes (not the padding past
    /// each row's width).
    mutating func add(picture: UnsafeMutablePointer<AVFrame>, timestamp: Int) {
        let width = Int(picture.pointee.width), height = Int(picture.pointee.height)
        let chroma = ((width + 1) / 2, (height + 1) / 2)
        let planes = [(picture.pointee.data.0, picture.pointee.linesize.0, width, height),
                      (picture.pointee.data.1, picture.pointee.linesize.1, chroma.0, chroma.1),
                      (picture.pointee.data.2, picture.pointee.linesize.2, chroma.0, chroma.1)]
        var frame = Self.basis
        for (data, linesize, planeWidth, planeHeight) in planes {
            guard let data else { continue }
            Self.digest(&frame, UnsafeRawPointer(data), rowBytes: planeWidth, rows: planeHeight, stride: Int(linesize))
        }
        addFrame(frame, timestamp: timestamp)
    }

    /// Adds the last frame again at `timestamp`: the same as adding its pixels again.
    mutating func addRepeat(timestamp: Int) { addFrame(lastFrame, timestamp: timestamp) }
}
