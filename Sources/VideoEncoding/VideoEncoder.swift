import CFFmpeg
import Foundation
import OutputFiles
#if canImport(Glibc)
import Glibc
#endif

/// Byte layout of the frames handed to `VideoEncoder.append`.
public enum PixelLayout: Sendable, Hashable {
    /// 4 bytes per pixel B, G, R, A in memory (Cairo ARGB32/RGB24 on little-endian); alpha is ignored.
    case bgra
    /// 3 bytes per pixel R, G, B.
    case rgb24

    public var bytesPerPixel: Int { self == .bgra ? 4 : 3 }
    var avFormat: AVPixelFormat { self == .bgra ? AV_PIX_FMT_BGRA : AV_PIX_FMT_RGB24 }
}

/// Writes a video file from packed RGB frames: H.264 or MPEG-4 in `.mp4`, VP9 in `.webm`, animated `.gif`.
///
/// The video is written to a hidden temporary file in the same directory (`.<name>.XXXXXX`, an
/// `OutputFiles.StagedOutput`), flushed to disk and renamed onto `path` by `finish()`. `cancel()`, any thrown
/// error, or dropping the encoder unfinished removes the temporary file, and so do SIGINT/SIGTERM in a program
/// that installed `InterruptCleanup`, so no partial video ever appears under `path`. (Only SIGKILL or a power
/// cut can leave the hidden temporary file behind.)
///
/// ```swift
/// let encoder = try VideoEncoder(path: "Renders/run.mp4", width: 1024, height: 512, fps: 10)
/// for image in images { try encoder.append(image, layout: .bgra, bytesPerRow: 1024 * 4) }
/// try encoder.finish()
/// ```
///
/// Frame timing: frame `i` starts at `i / fps` seconds and lasts `1 / fps` (time base `1/fps`; every
/// packet's duration is set so MP4 keeps its last frame). Colour: BT.709 limited range for the YUV codecs.
/// Cost: libx264 veryfast encodes 1024x512 at several hundred frames/s on two cores (see `benchmark`).
/// Not thread-safe: use one encoder from one thread at a time. Sets FFmpeg's global log level from
/// `info` to `warning` so encoders do not print statistics.
public final class VideoEncoder {
    /// The requested output path; it exists only after `finish()` returns.
    public let path: String
    /// The hidden file being written until `finish()`.
    public let temporaryPath: String
    /// Frame size in pixels.
    public let width: Int, height: Int
    /// Frames per second.
    public let fps: Int
    /// The codec in use (`.h264` may have fallen back to `.mpeg4`).
    public let codec: VideoCodec
    /// Frames appended so far.
    public private(set) var frameCount = 0
    /// A fingerprint of everything handed to the codec so far, in order: each frame's picture as the codec reads
    /// it (the visible bytes of the YUV planes; for GIF, the packed pixels appended) and its timestamp; a
    /// repeat counts as its frame handed again. Two encoders with equal fingerprints were given the same frames.
    /// Tests compare it where the file's bytes cannot be: libx264 may write a few bytes differently for the
    /// same frames when other work shares the process (see docs/performance.md).
    public var inputFingerprint: UInt64 { session?.fingerprint.value ?? finishedFingerprint }
    private var finishedFingerprint: UInt64 = 0
    private var session: EncodingSession?
    private let staged: StagedOutput

    /// With `.changedRegions`: the tiles converted again so far and the tiles of all frames appended (a measure
    /// of the conversion work saved); `(0, 0)` with `.wholeFrame`, for GIF, and after `finish()`.
    public var convertedTiles: (converted: Int, seen: Int) {
        guard let converter = session?.converter else { return (0, 0) }
        return (converter.convertedTiles, converter.seenTiles)
    }

    /// Opens the encoder and writes the container header to the temporary file.
    ///
    /// - Parameters:
    ///   - path: output file; its extension (`.mp4`, `.gif`, `.webm`, any case) chooses the container.
    ///   - width: frame width in pixels; even for the YUV codecs (everything but GIF).
    ///   - height: frame height in pixels; even for the YUV codecs.
    ///   - fps: frames per second, 1...240.
    ///   - codec: `nil` picks from the extension: `.mp4` H.264 (MPEG-4 if libx264 is missing), `.webm` VP9,
    ///     `.gif` GIF.
    ///   - conversion: how RGB frames become YUV for the YUV codecs; `.changedRegions` (the default) converts only
    ///     what changed since the previous frame, `.wholeFrame` everything each time; the bytes written are equal.
    ///   - metadata: key-value text the file carries (e.g. `Provenance.entries`): MP4 and WebM store each pair as
    ///     container metadata under its key (MP4 through `movflags +use_metadata_tags`; WebM upper-cases tag names)
    ///     plus a `comment` of `Key: value` lines, and a `Title` entry as the container title; GIF stores the
    ///     lines as one comment extension block after the global colour table. `VideoMetadata.read(path:)` and
    ///     `EmbeddedMetadata` read them back.
    /// - Throws: `VideoEncodingError` for an unknown extension, odd size, missing encoder or unwritable
    ///   directory (nothing is written then); `FFmpegError` naming the failing call otherwise.
    public init(path: String, width: Int, height: Int, fps: Int = 30, codec: VideoCodec? = nil,
                conversion: FrameConversion = .changedRegions, metadata: [(key: String, value: String)] = []) throws {
        guard (1...16384).contains(width), (1...16384).contains(height), (1...240).contains(fps) else {
            throw VideoEncodingError.invalidParameters(
                "'\(path)': size \(width)x\(height) and fps \(fps) must be positive (size at most 16384, fps at most 240)")
        }
        let container = try VideoContainer(path: path)
        let (chosen, encoder) = try findEncoder(container: container, requested: codec, path: path)
        if chosen.needsEvenDimensions && (width % 2 != 0 || height % 2 != 0) {
            throw VideoEncodingError.oddDimensions(width: width, height: height, path: path)
        }
        let staged: StagedOutput
        do {
            staged = try StagedOutput(path: path)
        } catch {
            throw VideoEncodingError.unwritable(error)
        }
        staged.closeDescriptor()  // FFmpeg opens the temporary file itself
        if av_log_get_level() == AV_LOG_INFO { av_log_set_level(AV_LOG_WARNING) }

        do {
            session = try EncodingSession(container: container, codec: chosen, encoder: encoder,
                                          width: width, height: height, fps: fps, path: staged.temporaryPath,
                                          conversion: conversion, metadata: metadata)
        } catch {
            staged.discard()
            throw Self.naming(path, in: error)
        }
        self.path = path
        self.staged = staged
        temporaryPath = staged.temporaryPath
        self.width = width
        self.height = height
        self.fps = fps
        self.codec = chosen
    }

    deinit { if session != nil { cancel() } }

    /// Encodes one frame. Cost: one colour conversion (only of what changed, with `.changedRegions`) plus the
    /// encoder's work. GIF frames are only counted into
    /// the palette and spooled (what changed) to a temporary file here; `finish()` maps and encodes them all.
    ///
    /// - Parameters:
    ///   - pixels: `height` rows, `bytesPerRow` bytes apart, of `width` pixels in `layout`; only read
    ///     during the call.
    ///   - bytesPerRow: row stride in bytes, at least `width * layout.bytesPerPixel` (the default).
    /// - Throws: `VideoEncodingError.frameSizeMismatch` for a buffer too small or a stride too short;
    ///   `FFmpegError` from the encoder or muxer. Any error cancels the encoder and removes the temporary file.
    public func append(_ pixels: UnsafeRawBufferPointer, layout: PixelLayout = .bgra, bytesPerRow: Int? = nil) throws {
        guard let session else { throw VideoEncodingError.encoderClosed(path: path) }
        let rowBytes = width * layout.bytesPerPixel
        let stride = bytesPerRow ?? rowBytes
        let needed = stride * (height - 1) + rowBytes
        do {
            guard stride >= rowBytes, pixels.count >= needed, pixels.baseAddress != nil else {
                throw VideoEncodingError.frameSizeMismatch(expectedBytes: max(needed, rowBytes * height),
                                                           actualBytes: pixels.count, bytesPerRow: stride)
            }
            try session.encode(pixels: pixels, layout: layout, bytesPerRow: stride, index: frameCount)
            frameCount += 1
        } catch {
            cancel()
            throw Self.naming(path, in: error)
        }
    }

    /// Encodes the last appended frame once more: the same bytes as appending the same pixels again, without
    /// converting (or, for GIF, copying) them again.
    /// - Throws: `VideoEncodingError.invalidParameters` before the first frame; otherwise as `append`.
    public func appendRepeat() throws {
        guard let session else { throw VideoEncodingError.encoderClosed(path: path) }
        do {
            guard frameCount > 0 else {
                throw VideoEncodingError.invalidParameters("'\(path)': no frame appended yet, nothing to repeat")
            }
            try session.encodeRepeat(index: frameCount)
            frameCount += 1
        } catch {
            cancel()
            throw Self.naming(path, in: error)
        }
    }

    /// Encodes one frame from an array; see `append(_:layout:bytesPerRow:)` (`UnsafeRawBufferPointer`).
    public func append(_ pixels: [UInt8], layout: PixelLayout = .bgra, bytesPerRow: Int? = nil) throws {
        try pixels.withUnsafeBytes { try append($0, layout: layout, bytesPerRow: bytesPerRow) }
    }

    /// For GIF, first builds the palette from all frames and maps and encodes every frame (most of the GIF's
    /// encoding time). Flushes the encoder, writes the trailer (and, for MP4, moves the index to the front), closes the
    /// temporary file and renames it onto `path`, replacing any file there.
    /// - Throws: if no frame was appended, or a call fails; the temporary file is removed then.
    public func finish() throws {
        guard let session else { throw VideoEncodingError.encoderClosed(path: path) }
        do {
            guard frameCount > 0 else {
                throw VideoEncodingError.invalidParameters("'\(path)': no frames appended; nothing written")
            }
            try session.finish()
            finishedFingerprint = session.fingerprint.value
            self.session = nil
            if session.codec == .gif && !session.metadata.isEmpty {
                try insertGIFComment(session.metadata)
            }
            do {
                try staged.commit()
            } catch {
                throw VideoEncodingError.unwritable(error)
            }
        } catch {
            cancel()
            throw Self.naming(path, in: error)
        }
    }

    /// FFmpeg's GIF muxer writes no comment: the block goes into the finished temporary file before the rename.
    private func insertGIFComment(_ metadata: [(key: String, value: String)]) throws {
        let url = URL(fileURLWithPath: temporaryPath)
        let written: [UInt8]
        do { written = [UInt8](try Data(contentsOf: url)) } catch {
            throw VideoEncodingError.invalidParameters("'\(path)': cannot read the GIF back to add its comment: \(error)")
        }
        let commented = try EmbeddedMetadata.inserting(metadata, into: written, format: .gif, path: path)
        do { try Data(commented).write(to: url) } catch {
            throw VideoEncodingError.invalidParameters("'\(path)': cannot write the GIF's comment: \(error)")
        }
    }

    /// FFmpeg's errors name the file it was writing, the hidden temporary one; users asked for `path`.
    private static func naming(_ path: String, in error: any Error) -> any Error {
        guard var ffmpeg = error as? FFmpegError else { return error }
        ffmpeg.path = path
        return ffmpeg
    }

    /// Stops encoding and deletes the temporary file. Nothing is written under `path`. Safe to call twice.
    public func cancel() {
        session = nil  // frees the FFmpeg handles and closes the file
        staged.discard()
    }
}

/// The FFmpeg state of one open encoder: muxer, stream, codec context, reusable frame and packet.
private final class EncodingSession {
    let output: OutputFormat
    let context: CodecContext
    let stream: UnsafeMutablePointer<AVStream>
    let frame: Frame
    let packet: Packet
    let codec: VideoCodec
    let path: String
    var scalers: [PixelLayout: Scaler] = [:]
    let conversion: FrameConversion
    var converter: ChangedRegionConverter?
    /// What was handed to the codec (`VideoEncoder.inputFingerprint`).
    var fingerprint = FrameFingerprint()
    /// GIF only: frames are palette-mapped in `finish`, after the palette is built from all of them.
    let gif: GIFPipeline?
    /// Key-value text for the container (GIF: added as a comment after `finish`).
    let metadata: [(key: String, value: String)]

    init(container: VideoContainer, codec: VideoCodec, encoder: UnsafePointer<AVCodec>,
         width: Int, height: Int, fps: Int, path: String, conversion: FrameConversion,
         metadata: [(key: String, value: String)]) throws {
        self.conversion = conversion
        self.metadata = metadata
        output = try OutputFormat(formatName: container.formatName, path: path)
        context = try CodecContext(codec: encoder)
        self.codec = codec
        self.path = path
        let c = context.pointer
        let pixelFormat = codec == .gif ? AV_PIX_FMT_PAL8 : AV_PIX_FMT_YUV420P
        c.pointee.width = Int32(width)
        c.pointee.height = Int32(height)
        c.pointee.pix_fmt = pixelFormat
        c.pointee.time_base = AVRational(num: 1, den: Int32(fps))
        c.pointee.framerate = AVRational(num: Int32(fps), den: 1)
        if codec != .gif {
            c.pointee.colorspace = AVCOL_SPC_BT709
            c.pointee.color_primaries = AVCOL_PRI_BT709
            c.pointee.color_trc = AVCOL_TRC_BT709
            c.pointee.color_range = AVCOL_RANGE_MPEG
        }
        if output.needsGlobalHeader { c.pointee.flags |= cffmpeg_codec_flag_global_header() }
        configure(c, codec: codec)
        try check(avcodec_open2(c, encoder, nil), "avcodec_open2", path: path)

        stream = try checkAllocated(avformat_new_stream(output.pointer, nil), "avformat_new_stream")
        stream.pointee.time_base = c.pointee.time_base
        stream.pointee.avg_frame_rate = c.pointee.framerate
        try check(avcodec_parameters_from_context(stream.pointee.codecpar, c), "avcodec_parameters_from_context")
        frame = try Frame(format: pixelFormat, width: width, height: height)
        packet = try Packet()
        gif = codec == .gif ? try GIFPipeline(width: width, height: height, fps: fps) : nil

        try output.openFile(path: path)
        if container != .gif && !metadata.isEmpty {
            for (key, value) in metadata { av_dict_set(&output.pointer.pointee.metadata, key, value, 0) }
            av_dict_set(&output.pointer.pointee.metadata, "comment", EmbeddedMetadata.lines(metadata), 0)
        }
        var options: OpaquePointer?
        defer { av_dict_free(&options) }
        for (key, value) in container.muxerOptions(metadata: !metadata.isEmpty) { av_dict_set(&options, key, value, 0) }
        try check(avformat_write_header(output.pointer, &options), "avformat_write_header", path: path)
    }

    /// Converts `pixels` into the frame, sends it with `pts = index` and writes the packets that come out.
    func encode(pixels: UnsafeRawBufferPointer, layout: PixelLayout, bytesPerRow: Int, index: Int) throws {
        if let gif {
            fingerprint.add(pixels, rowBytes: gif.width * layout.bytesPerPixel, rows: gif.height, stride: bytesPerRow,
                            timestamp: index)
            try gif.append(pixels, layout: layout, bytesPerRow: bytesPerRow)
            return
        }
        try frame.makeWritable()
        let f = frame.pointer
        let width = Int(f.pointee.width), height = Int(f.pointee.height)
        if conversion == .changedRegions {
            if converter?.layout != layout {
                converter = try ChangedRegionConverter(width: width, height: height, layout: layout)
            }
            try converter!.convert(pixels, bytesPerRow: bytesPerRow, into: f)
        } else {
            let scaler = try scalers[layout] ?? Scaler(width: width, height: height, from: layout.avFormat,
                                                       to: AV_PIX_FMT_YUV420P)
            scalers[layout] = scaler
            try check(cffmpeg_scale_packed_to_frame(scaler.pointer, pixels.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                                    Int32(bytesPerRow), Int32(height), f), "sws_scale")
        }
        f.pointee.pts = Int64(index)
        fingerprint.add(picture: f, timestamp: index)
        try check(avcodec_send_frame(context.pointer, f), "avcodec_send_frame", path: path)
        try writePackets()
    }

    /// Sends the frame already converted (the last one) again with `pts = index`.
    func encodeRepeat(index: Int) throws {
        fingerprint.addRepeat(timestamp: index)
        if let gif {
            try gif.appendRepeat()
            return
        }
        try frame.makeWritable()  // keeps the pixels (copies them if the encoder still holds the buffer)
        frame.pointer.pointee.pts = Int64(index)
        try check(avcodec_send_frame(context.pointer, frame.pointer), "avcodec_send_frame", path: path)
        try writePackets()
    }

    /// Drains the encoder, then writes the trailer and closes the file.
    func finish() throws {
        try gif?.finish { indexed in
            try check(avcodec_send_frame(context.pointer, indexed), "avcodec_send_frame", path: path)
            try writePackets()
        }
        try check(avcodec_send_frame(context.pointer, nil), "avcodec_send_frame", path: path)
        try writePackets()
        try check(av_write_trailer(output.pointer), "av_write_trailer", path: path)
        try output.closeFile(path: path)
    }

    /// Moves every packet the encoder has ready into the muxer, each lasting one frame (`1/fps`).
    private func writePackets() throws {
        let again = cffmpeg_error_again(), end = cffmpeg_error_eof()
        while true {
            let received = avcodec_receive_packet(context.pointer, packet.pointer)
            if received == again || received == end { return }
            try check(received, "avcodec_receive_packet", path: path)
            packet.pointer.pointee.duration = 1
            av_packet_rescale_ts(packet.pointer, context.pointer.pointee.time_base, stream.pointee.time_base)
            packet.pointer.pointee.stream_index = stream.pointee.index
            try check(av_interleaved_write_frame(output.pointer, packet.pointer), "av_interleaved_write_frame",
                      path: path)
        }
    }
}
