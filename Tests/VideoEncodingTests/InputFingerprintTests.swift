import Foundation
import Testing
import VideoEncoding

@Suite("the encoder's input fingerprint tells frame sequences apart and ignores how they were handed over")
struct InputFingerprintTests {
    /// Encodes `frames` (indices into `MovingSquare`; -1 repeats the last one) and returns the fingerprint.
    private func fingerprint(_ frames: [Int], container: String, conversion: FrameConversion = .changedRegions,
                             paddedRows: Bool = false, change: (index: Int, byte: Int)? = nil) throws -> UInt64 {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let square = MovingSquare(width: 96, height: 64)
        let stride = paddedRows ? 96 * 4 + 36 : 96 * 4
        let encoder = try VideoEncoder(path: scratch.file("f.\(container)"), width: 96, height: 64, fps: 10,
                                       conversion: conversion)
        var last = -1
        for (position, index) in frames.enumerated() {
            if index < 0 {
                try encoder.appendRepeat()
                continue
            }
            var pixels = square.frame(index, bytesPerRow: stride)
            if let change, change.index == position { pixels[change.byte] ^= 0x40 }
            try encoder.append(pixels, bytesPerRow: stride)
            last = index
        }
        #expect(last >= 0)
        try encoder.finish()
        return encoder.inputFingerprint
    }

    @Test("equal for the same frames: repeats or appends, whole or changed-region conversion, padded rows",
          arguments: ["mp4", "gif"])
    func sameFrames(container: String) throws {
        let reference = try fingerprint([0, 1, 1, 1, 2], container: container, conversion: .wholeFrame)
        #expect(reference != 0)
        #expect(try fingerprint([0, 1, -1, -1, 2], container: container) == reference)
        #expect(try fingerprint([0, 1, 1, 1, 2], container: container, paddedRows: true) == reference)
    }

    @Test("different for another order, another count, or one changed byte", arguments: ["mp4", "gif"])
    func differentFrames(container: String) throws {
        let reference = try fingerprint([0, 1, 2], container: container)
        #expect(try fingerprint([0, 2, 1], container: container) != reference)
        #expect(try fingerprint([0, 1, 2, -1], container: container) != reference)
        // A blue byte of a pixel in the middle row of frame 1.
        #expect(try fingerprint([0, 1, 2], container: container, change: (1, 32 * 96 * 4 + 40 * 4)) != reference)
    }
}
