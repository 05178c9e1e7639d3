import AnimationJobs
import Foundation
import JobSupport
import TestSupport
import Testing
import VideoEncoding
import VideoJobs

/// What the animation tests share: running a job on the scale-1 reference checkpoint with the frames it drew
/// kept, reading its `data` JSON, comparing decoded frames with drawn ones.
enum AnimationFixtures {
    /// A drawn frame, packed (width · 4 bytes a row, BGRA).
    typealias Frame = [UInt8]

    /// Runs `job` writing to `path` (and `data`), keeping every frame as drawn.
    static func run(_ job: AnimationJob, to path: String, data: String? = nil) throws -> (AnimationSummary, [Frame]) {
        var job = job
        job.out = path
        job.data = data
        var drawn: [Frame] = []
        var width = 0
        let summary = try job.run(in: SharedFixtures.context(), progress: nil, cancellation: nil, frameObserver: { pixels, stride in
            if width == 0 { width = stride / 4 }
            drawn.append(Array(pixels.prefix(pixels.count)))
        })
        // Cairo's stride equals width · 4 for the even widths the video uses.
        #expect(width == summary.width)
        return (summary, drawn)
    }

    /// The `data` file as Foundation objects.
    static func json(_ path: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
        return try #require(object as? [String: Any])
    }

    /// The largest |p − q| over every cell and action of two `cells` lists (the data's and `vfield --out F.json`'s),
    /// after checking that they list the same cells in the same order.
    static func largestDifference(_ cells: [[String: Any]], _ expected: [[String: Any]]) throws -> Double {
        #expect(cells.count == expected.count)
        var largest = 0.0
        for (cell, reference) in zip(cells, expected) {
            #expect(cell["x"] as? Int == reference["x"] as? Int && cell["y"] as? Int == reference["y"] as? Int)
            let p = try #require(cell["probs"] as? [String: Double]), q = try #require(reference["probs"] as? [String: Double])
            for key in ["left", "down", "up", "right", "noop"] { largest = max(largest, abs(p[key]! - q[key]!)) }
        }
        return largest
    }

    /// PSNR in dB of a decoded frame's RGB against a drawn frame, over the rows `rows` (all when nil).
    static func psnr(_ decoded: [UInt8], _ drawn: Frame, width: Int, rows: Range<Int>) -> Double {
        var squared = 0
        for y in rows {
            for x in 0..<width {
                let i = (y * width + x) * 4
                for c in 0..<3 {
                    let d = Int(decoded[i + c]) - Int(drawn[i + c])
                    squared += d * d
                }
            }
        }
        let mse = max(Double(squared) / Double(width * rows.count * 3), 1e-3)
        return 10 * log10(255 * 255 / mse)
    }

    /// Every decoded frame of `path`'s video, BGRA.
    static func decodedFrames(_ path: String) throws -> [[UInt8]] {
        var frames: [[UInt8]] = []
        try VideoProbe.forEachFrame(path: path) { frames.append($0.pixels) }
        return frames
    }
}
