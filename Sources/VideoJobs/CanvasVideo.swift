import CairoGraphics
import Foundation
import JobSupport
internal import VideoEncoding

/// A video drawn frame by frame on one Cairo canvas: the caller paints the canvas, `appendFrame()` hands its
/// pixels to the encoder. Pipelined (the default) the encoder runs on a thread of its own, a few frames behind
/// the drawing (`BackgroundEncoder`), so the next frame is drawn while earlier ones encode; otherwise each frame
/// is encoded before `appendFrame()` returns. The file is written to a hidden temporary name and appears under
/// `path` only when `finish()` returns; `cancel()`, a thrown error or dropping the writer unfinished removes it.
///
/// The shared piece of the video jobs that draw whole frames (`mazerender animate`); clients need not load
/// `VideoEncoding`.
public final class CanvasVideo {
    /// The canvas to draw each frame on (`width` x `height` px, ARGB32).
    public let canvas: Canvas
    public let path: String
    public let width: Int, height: Int
    public let fps: Int
    private let encoder: VideoEncoder
    private let sink: any FrameSink
    private var finished = false

    /// Opens the encoder (before any frame is drawn, so a bad path, size or missing codec fails first).
    /// - Parameters:
    ///   - width: frame width in px; made even (one more px) for the YUV codecs.
    ///   - height: frame height in px; made even likewise.
    ///   - metadata: what the file records (`Provenance.entries`), read back by `OutputInfo`.
    /// - Throws: `JobError` for a bad `path` (setting `out`), the encoder's errors, `CairoError`.
    public init(path: String, width: Int, height: Int, fps: Int, metadata: [(key: String, value: String)],
                pipelined: Bool = true) throws {
        try RolloutJob.checkOutput(path)
        let evenWidth = width + width % 2, evenHeight = height + height % 2
        let encoder = try VideoEncoder(path: path, width: evenWidth, height: evenHeight, fps: fps,
                                       conversion: pipelined ? .changedRegions : .wholeFrame, metadata: metadata)
        do {
            canvas = try Canvas(width: evenWidth, height: evenHeight)
        } catch {
            encoder.cancel()
            throw error
        }
        self.encoder = encoder
        sink = pipelined ? BackgroundEncoder(encoder: encoder) : DirectFrameSink(encoder: encoder)
        self.path = path
        self.width = evenWidth
        self.height = evenHeight
        self.fps = fps
    }

    deinit { if !finished { sink.cancel() } }

    /// Encodes the canvas as the next frame. `observer`, when given, sees the pixels first (BGRA rows, the row
    /// stride in bytes); tests compare the video with what was drawn.
    public func appendFrame(observer: ((UnsafeRawBufferPointer, _ bytesPerRow: Int) throws -> Void)? = nil) throws {
        try canvas.withUnsafePixels { pixels, _, _, stride in
            try observer?(UnsafeRawBufferPointer(pixels), stride)
            try sink.append(UnsafeRawBufferPointer(pixels), bytesPerRow: stride)
        }
    }

    /// Encodes the last frame again (a hold), without converting it again.
    public func repeatFrame() throws { try sink.repeatLast() }

    /// Waits for the encoder, finishes the file and renames it onto `path`. - Returns: the frames in the file.
    public func finish() throws -> Int {
        finished = true
        return try sink.finish()
    }

    /// Drops the unfinished video: nothing appears under `path`.
    public func cancel() {
        guard !finished else { return }
        finished = true
        sink.cancel()
    }

    /// The codec in use (`h264`, `mpeg4`, `vp9`, `gif`).
    public var codec: String { encoder.codec.rawValue }
    /// Seconds spent encoding so far.
    public var encodingSeconds: Double { sink.encodingSeconds }
}
