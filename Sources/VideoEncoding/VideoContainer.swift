import CFFmpeg

/// The codecs `VideoEncoder` can write.
public enum VideoCodec: String, Sendable, CaseIterable, CustomStringConvertible {
    /// H.264 through libx264 (`yuv420p`, CRF 20, preset veryfast, 2 frame threads on every machine). MP4 only.
    case h264
    /// MPEG-4 Part 2 through FFmpeg's own `mpeg4` encoder (`yuv420p`); the MP4 fallback when libx264 is absent.
    case mpeg4
    /// VP9 through libvpx-vp9 (`yuv420p`, CRF 32). WebM only.
    case vp9
    /// Animated GIF (`pal8`, one palette from libavfilter's `palettegen` over all frames, `paletteuse` with Bayer
    /// dither re-mapping only changed rectangles, loops forever). GIF only.
    case gif

    public var description: String { rawValue }

    /// FFmpeg encoder names tried in order.
    var encoderNames: [String] {
        switch self {
        case .h264: return ["libx264"]
        case .mpeg4: return ["mpeg4"]
        case .vp9: return ["libvpx-vp9"]
        case .gif: return ["gif"]
        }
    }

    /// True for the YUV 4:2:0 codecs, which need even width and height.
    var needsEvenDimensions: Bool { self != .gif }
}

/// A container chosen from the output file's extension (case-insensitive).
enum VideoContainer: String, CaseIterable {
    case mp4, gif, webm

    init(path: String) throws(VideoEncodingError) {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        let ext = name.contains(".") ? String(name.split(separator: ".").last ?? "") : ""
        guard let container = VideoContainer(rawValue: ext.lowercased()) else {
            throw .unsupportedExtension(path: path, extension: ext)
        }
        self = container
    }

    /// libavformat muxer name.
    var formatName: String { rawValue }

    /// Codecs allowed here, preferred first; `h264` falls back to `mpeg4` when libx264 is missing.
    var codecs: [VideoCodec] {
        switch self {
        case .mp4: return [.h264, .mpeg4]
        case .gif: return [.gif]
        case .webm: return [.vp9]
        }
    }

    /// Muxer options for `avformat_write_header`: MP4 moves its index to the front (`+faststart`)
    /// so browsers start playing before the download ends, and with `metadata` keeps custom keys
    /// (`+use_metadata_tags`); GIF loops forever (`loop=0`).
    func muxerOptions(metadata: Bool) -> [(String, String)] {
        switch self {
        case .mp4: return [("movflags", metadata ? "+faststart+use_metadata_tags" : "+faststart")]
        case .gif: return [("loop", "0")]
        case .webm: return []
        }
    }
}

/// Finds an encoder for `codec` (or, with none given, the container's first available one).
/// - Returns: the codec actually used and its `AVCodec`.
func findEncoder(container: VideoContainer, requested: VideoCodec?, path: String)
    throws(VideoEncodingError) -> (VideoCodec, UnsafePointer<AVCodec>) {
    if let requested, !container.codecs.contains(requested) {
        throw .codecNotAllowed(codec: requested, path: path)
    }
    let candidates = requested.map { [$0] } ?? container.codecs
    for codec in candidates {
        for name in codec.encoderNames {
            if let encoder = avcodec_find_encoder_by_name(name) { return (codec, encoder) }
        }
    }
    throw .encoderUnavailable(name: candidates[0].encoderNames[0], path: path)
}

/// libx264's threads: one, so the bytes written depend neither on the machine's core count nor on x264's thread
/// timing. (They can still differ by a few bytes when other work shares the process: docs/performance.md.)
let h264Threads: Int32 = 1

/// Sets codec-private options (`av_opt_set` on `priv_data`) and rate control for `codec`.
func configure(_ context: UnsafeMutablePointer<AVCodecContext>, codec: VideoCodec) {
    func set(_ key: String, _ value: String) {
        // Unknown keys are ignored on purpose: older or newer builds may lack an option.
        _ = av_opt_set(context.pointee.priv_data, key, value, 0)
    }
    switch codec {
    case .h264:
        set("preset", "veryfast")
        set("crf", "20")
        // One thread on every machine. libx264's own default (auto: 1.5 x the cores) made the bytes depend on the
        // machine, and with two frame threads one full-suite run (cores oversubscribed by parallel tests) wrote an
        // MP4 3 bytes longer than the same frames encoded serially. The rollout pipeline already gives the encoder
        // a thread of its own beside the rollouts and drawing, so x264's own threads bought little.
        context.pointee.thread_count = h264Threads
    case .mpeg4:
        context.pointee.flags |= AV_CODEC_FLAG_QSCALE
        context.pointee.global_quality = FF_QP2LAMBDA * 3
    case .vp9:
        context.pointee.bit_rate = 0
        set("crf", "32")
        set("deadline", "good")
        set("cpu-used", "5")
        set("row-mt", "1")
    case .gif:
        // Store only the rectangle that changed since the previous frame, unchanged pixels in it transparent.
        set("gifflags", "+offsetting+transdiff")
    }
}
