import Foundation
import OutputFiles
import Testing
import VideoEncoding

@Suite("VideoEncoder failures name the problem and leave no file under the requested name")
struct FailureTests {
    @Test("odd dimensions are refused for yuv420p codecs")
    func oddDimensions() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let path = scratch.file("odd.mp4")
        #expect(throws: VideoEncodingError.oddDimensions(width: 321, height: 240, path: path)) {
            _ = try VideoEncoder(path: path, width: 321, height: 240, fps: 10)
        }
        #expect(String(describing: VideoEncodingError.oddDimensions(width: 321, height: 240, path: path))
            .contains("even"))
        #expect(try scratch.contents().isEmpty)
    }

    @Test("an unknown extension is named before anything is written", arguments: ["clip.avi", "clip", "clip.mp4.tmp"])
    func unknownExtension(name: String) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let path = scratch.file(name)
        do {
            _ = try VideoEncoder(path: path, width: 64, height: 64, fps: 10)
            Issue.record("expected an error")
        } catch let error as VideoEncodingError {
            guard case let .unsupportedExtension(errorPath, ext) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(errorPath == path)
            #expect(ext == (name.contains(".") ? String(name.split(separator: ".").last!) : ""))
            #expect(error.description.contains(path))
        }
        #expect(try scratch.contents().isEmpty)
    }

    @Test("a codec that does not fit the container is refused")
    func codecMismatch() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let path = scratch.file("x.gif")
        #expect(throws: VideoEncodingError.codecNotAllowed(codec: .h264, path: path)) {
            _ = try VideoEncoder(path: path, width: 64, height: 64, fps: 10, codec: .h264)
        }
        #expect(try scratch.contents().isEmpty)
    }

    @Test("a frame of the wrong size fails, cancels, and leaves no file at all")
    func wrongFrameSize() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let path = scratch.file("broken.mp4")
        let frames = MovingSquare(width: 64, height: 48)
        let encoder = try VideoEncoder(path: path, width: 64, height: 48, fps: 10)
        try encoder.append(frames.frame(0))
        #expect(try scratch.contents().count == 1)  // the hidden temporary file
        #expect(throws: VideoEncodingError.frameSizeMismatch(expectedBytes: 64 * 48 * 4, actualBytes: 100,
                                                             bytesPerRow: 256)) {
            try encoder.append([UInt8](repeating: 0, count: 100))
        }
        #expect(throws: VideoEncodingError.encoderClosed(path: path)) { try encoder.finish() }
        #expect(try scratch.contents().isEmpty)
    }

    @Test("too short a stride is refused")
    func shortStride() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let encoder = try VideoEncoder(path: scratch.file("s.gif"), width: 10, height: 10, fps: 10)
        #expect(throws: VideoEncodingError.self) {
            try encoder.append([UInt8](repeating: 0, count: 1000), bytesPerRow: 20)
        }
        #expect(try scratch.contents().isEmpty)
    }

    @Test("cancel and dropping an unfinished encoder leave no file", arguments: [true, false])
    func cancelOrDrop(explicitCancel: Bool) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let path = scratch.file("dropped.mp4")
        do {
            let encoder = try VideoEncoder(path: path, width: 64, height: 48, fps: 10)
            for index in 0..<5 { try encoder.append(MovingSquare(width: 64, height: 48).frame(index)) }
            if explicitCancel { encoder.cancel() }
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try scratch.contents().isEmpty)
    }

    @Test("finishing with no frames is an error and writes nothing")
    func noFrames() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let encoder = try VideoEncoder(path: scratch.file("empty.mp4"), width: 64, height: 48, fps: 10)
        #expect(throws: VideoEncodingError.self) { try encoder.finish() }
        #expect(try scratch.contents().isEmpty)
    }

    @Test("an unwritable directory is named in the error")
    func unwritableDirectory() throws {
        let directory = NSTemporaryDirectory() + "videoencoding-missing-" + UUID().uuidString
        let path = directory + "/out.mp4"
        do {
            _ = try VideoEncoder(path: path, width: 64, height: 48, fps: 10)
            Issue.record("expected an error")
        } catch {
            guard case let .unwritable(cause)? = error as? VideoEncodingError else { Issue.record("\(error)"); return }
            #expect(cause.path == path && cause.code == ENOENT)
            #expect(String(describing: error).contains(directory))
        }
    }

    @Test("FFmpegError names the failing call and FFmpeg's message")
    func ffmpegErrorText() {
        let error = FFmpegError(function: "avcodec_open2", code: -22, path: "/tmp/x.mp4")
        #expect(error.message == "Invalid argument")
        #expect(error.description == "avcodec_open2 failed for '/tmp/x.mp4': Invalid argument (code -22)")
    }

    @Test("a file that is not a video fails naming avformat_open_input and the path")
    func probeNonVideo() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let path = scratch.file("missing.mp4")
        do {
            _ = try VideoProbe(path: path)
            Issue.record("expected an error")
        } catch let error as FFmpegError {
            #expect(error.function == "avformat_open_input" && error.path == path && error.code == -2)
        }
    }
}
