import Foundation
import TestSupport
import Testing
import VideoEncoding
import VideoJobs

/// The pipelined rollout job (encoder on its own thread, unchanged frames not redrawn, changed regions converted)
/// against the serial reference (every frame drawn, converted whole and encoded on one thread, same encoder
/// settings): the encoder must be handed the same frames (GIF files identical), and the pipeline's memory bounded.
@Suite("pipelined rollout videos equal the serial reference", .serialized, .tags(.slow), SlowTests.trait)
struct RolloutPipelineTests {
    @Test("MP4 and GIF: the same episodes and the same frames handed to the encoder (GIF: identical bytes); the decoded file has every frame",
          arguments: ["mp4", "gif"])
    func identical(container: String) throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        var serial = try RolloutVideoTests.job(seeds: [0, 1, 2])
        serial.pipelined = false
        var pipelined = serial
        pipelined.pipelined = true
        let a = try serial.run(to: scratch.file("serial.\(container)"))
        let b = try pipelined.run(to: scratch.file("pipelined.\(container)"))
        #expect(a.episodes == b.episodes)
        #expect(a.frames == b.frames)
        #expect(a.frames == RolloutVideoTests.expectedFrames(a, seedsPerPage: 1, fps: 10))
        // The codec got the same pictures in the same order: converted whole and encoded on the caller's thread,
        // or converted where they changed, repeated where unchanged, on the encoder thread.
        #expect(a.encoderInputFingerprint != 0)
        #expect(a.encoderInputFingerprint == b.encoderInputFingerprint)
        let serialBytes = try #require(FileManager.default.contents(atPath: scratch.file("serial.\(container)")))
        let pipelinedBytes = try #require(FileManager.default.contents(atPath: scratch.file("pipelined.\(container)")))
        #expect(serialBytes.count > 10_000)
        if container == "gif" {
            // No libx264 here (our palette, libavcodec's GIF encoder): the file is a function of the frames.
            #expect(serialBytes == pipelinedBytes)
        }
        // MP4 bytes are not compared: libx264 wrote a few bytes differently for the same frames (equal
        // fingerprints) in about 1 run in 15 of a suite sharing the process; docs/performance.md.

        // The serial reference holds no frame for an encoder thread; the pipeline at most its 4 buffers.
        #expect(a.framesBuffered == 0)
        #expect(b.framesBuffered >= 1 && b.framesBuffered <= 4, "\(b.framesBuffered) frames buffered")
        #expect(try VideoProbe(path: scratch.file("pipelined.\(container)")).frameCount == b.frames)
        // Title and end holds are repeats: they are not drawn again.
        #expect(b.framesRedrawn < b.frames - 3 * 2 * 9, "\(b.framesRedrawn) of \(b.frames) frames drawn")
        #expect(a.framesRedrawn == a.frames)
    }

    @Test("the pipelined job's frames as drawn equal the serial job's, frame by frame")
    func drawnFramesEqual() throws {
        var serial = try RolloutVideoTests.job(seeds: [4, 5])
        serial.pipelined = false
        var pipelined = serial
        pipelined.pipelined = true
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        func hashes(_ job: RolloutJob, _ name: String) throws -> [Int] {
            var result: [Int] = []
            _ = try job.run(to: scratch.file(name), frameObserver: { pixels, stride in
                var hasher = Hasher()
                let width = job.frameLayout.width
                for y in 0..<job.frameLayout.height {
                    hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: pixels[(y * stride)..<(y * stride + width * 4)]))
                }
                result.append(hasher.finalize())
            })
            return result
        }
        let a = try hashes(serial, "serial.mp4"), b = try hashes(pipelined, "pipelined.mp4")
        #expect(a.count == b.count && a.count > 40)
        #expect(a == b)
    }
}
