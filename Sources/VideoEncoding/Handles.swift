import CFFmpeg

// One owner per FFmpeg handle. Each class allocates in `init` (throwing `FFmpegError` naming the
// allocating call) and frees in `deinit`; the pointers never leave this module.

/// Owns an `AVCodecContext`.
final class CodecContext {
    let pointer: UnsafeMutablePointer<AVCodecContext>

    init(codec: UnsafePointer<AVCodec>) throws(FFmpegError) {
        pointer = try checkAllocated(avcodec_alloc_context3(codec), "avcodec_alloc_context3")
    }

    deinit {
        var context: UnsafeMutablePointer<AVCodecContext>? = pointer
        avcodec_free_context(&context)
    }
}

/// Owns an `AVFrame` and, once allocated, its buffers.
final class Frame {
    let pointer: UnsafeMutablePointer<AVFrame>

    init() throws(FFmpegError) {
        pointer = try checkAllocated(av_frame_alloc(), "av_frame_alloc")
    }

    /// A frame with its own writable buffers of `format`, `width` x `height`.
    convenience init(format: AVPixelFormat, width: Int, height: Int) throws(FFmpegError) {
        try self.init()
        pointer.pointee.format = format.rawValue
        pointer.pointee.width = Int32(width)
        pointer.pointee.height = Int32(height)
        try check(av_frame_get_buffer(pointer, 0), "av_frame_get_buffer")
    }

    /// Copies the buffers if an encoder still holds a reference to them (cost: one image copy at most).
    func makeWritable() throws(FFmpegError) {
        try check(av_frame_make_writable(pointer), "av_frame_make_writable")
    }

    deinit {
        var frame: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&frame)
    }
}

/// Owns an `AVPacket`.
final class Packet {
    let pointer: UnsafeMutablePointer<AVPacket>

    init() throws(FFmpegError) {
        pointer = try checkAllocated(av_packet_alloc(), "av_packet_alloc")
    }

    deinit {
        var packet: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&packet)
    }
}

/// Owns a swscale `SwsContext` converting between two pixel formats at one size.
final class Scaler {
    let pointer: OpaquePointer

    /// - Parameters:
    ///   - colorspace: the YUV side's matrix (`SWS_CS_ITU709`, `SWS_CS_ITU601`, or an `AVColorSpace` raw value).
    ///   - fullRangeYUV: YUV side uses 0...255 (JPEG range) instead of 16...235. RGB is always full range.
    init(width: Int, height: Int, from source: AVPixelFormat, to destination: AVPixelFormat,
         colorspace: Int32 = SWS_CS_ITU709, fullRangeYUV: Bool = false) throws(FFmpegError) {
        let flags = SWS_BILINEAR | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT
        pointer = try checkAllocated(
            sws_getContext(Int32(width), Int32(height), source, Int32(width), Int32(height), destination,
                           flags, nil, nil, nil),
            "sws_getContext")
        func range(_ format: AVPixelFormat) -> Int32 {
            guard let descriptor = av_pix_fmt_desc_get(format) else { return 0 }
            let rgb = descriptor.pointee.flags & UInt64(AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL) != 0
            return rgb || fullRangeYUV ? 1 : 0
        }
        let table = sws_getCoefficients(colorspace)
        // Brightness 0, contrast and saturation 1.0 (16.16 fixed point). Fails harmlessly for RGB to RGB.
        _ = sws_setColorspaceDetails(pointer, table, range(source), table, range(destination), 0, 1 << 16, 1 << 16)
    }

    deinit { sws_freeContext(pointer) }
}

/// Owns an output `AVFormatContext` and its open `AVIOContext`.
final class OutputFormat {
    let pointer: UnsafeMutablePointer<AVFormatContext>
    private var ioOpen = false

    /// Allocates a muxer for `formatName` (`"mp4"`, `"gif"`, `"webm"`) writing to `path` (not yet opened).
    init(formatName: String, path: String) throws(FFmpegError) {
        var context: UnsafeMutablePointer<AVFormatContext>?
        try check(avformat_alloc_output_context2(&context, nil, formatName, path),
                  "avformat_alloc_output_context2", path: path)
        pointer = try checkAllocated(context, "avformat_alloc_output_context2")
    }

    var needsGlobalHeader: Bool {
        (pointer.pointee.oformat.pointee.flags & cffmpeg_format_flag_global_header()) != 0
    }

    /// Opens `path` for writing (`avio_open`); fails naming the path when the directory is not writable.
    func openFile(path: String) throws(FFmpegError) {
        try check(avio_open(&pointer.pointee.pb, path, AVIO_FLAG_WRITE), "avio_open", path: path)
        ioOpen = true
    }

    /// Flushes and closes the file; safe to call twice.
    func closeFile(path: String) throws(FFmpegError) {
        guard ioOpen else { return }
        ioOpen = false
        try check(avio_closep(&pointer.pointee.pb), "avio_closep", path: path)
    }

    deinit {
        if ioOpen { avio_closep(&pointer.pointee.pb) }
        avformat_free_context(pointer)
    }
}

/// Owns an input `AVFormatContext` opened on a file.
final class InputFormat {
    let pointer: UnsafeMutablePointer<AVFormatContext>

    /// Opens `path`; with `findStreams` (the default) also probes its streams (`avformat_find_stream_info`), which
    /// reading only the container's metadata does not need.
    init(path: String, findStreams: Bool = true) throws(FFmpegError) {
        var context: UnsafeMutablePointer<AVFormatContext>?
        try check(avformat_open_input(&context, path, nil, nil), "avformat_open_input", path: path)
        let opened = try checkAllocated(context, "avformat_open_input")
        guard findStreams else {
            pointer = opened
            return
        }
        let found = avformat_find_stream_info(opened, nil)
        if found < 0 { avformat_close_input(&context) }
        try check(found, "avformat_find_stream_info", path: path)
        pointer = opened
    }

    deinit {
        var context: UnsafeMutablePointer<AVFormatContext>? = pointer
        avformat_close_input(&context)
    }
}

/// Owns an `AVFilterGraph` and, through it, every filter added to it.
final class FilterGraph {
    let pointer: UnsafeMutablePointer<AVFilterGraph>

    init() throws(FFmpegError) {
        pointer = try checkAllocated(avfilter_graph_alloc(), "avfilter_graph_alloc")
    }

    /// Adds libavfilter's filter `name` configured by `arguments` (`"key=value:key=value"`); the graph owns it.
    func add(_ name: String, _ arguments: String?) throws(FFmpegError) -> UnsafeMutablePointer<AVFilterContext> {
        guard let filter = avfilter_get_by_name(name) else {
            throw FFmpegError(function: "avfilter_get_by_name", code: cffmpeg_error_filter_not_found(),
                              message: "the installed libavfilter has no '\(name)' filter")
        }
        var context: UnsafeMutablePointer<AVFilterContext>?
        let code = avfilter_graph_create_filter(&context, filter, name, arguments, nil, pointer)
        if code < 0 {
            throw FFmpegError(function: "avfilter_graph_create_filter",
                              code: code, message: "\(name)=\(arguments ?? ""): \(FFmpegError.describe(code))")
        }
        return try checkAllocated(context, "avfilter_graph_create_filter")
    }

    /// Connects output pad `outputPad` of `source` to input pad `inputPad` of `destination`.
    func link(_ source: UnsafeMutablePointer<AVFilterContext>, _ outputPad: UInt32 = 0,
              to destination: UnsafeMutablePointer<AVFilterContext>, _ inputPad: UInt32 = 0) throws(FFmpegError) {
        try check(avfilter_link(source, outputPad, destination, inputPad), "avfilter_link")
    }

    /// Checks the links and negotiates formats; call once, after the last `add` and `link`.
    func configure() throws(FFmpegError) {
        try check(avfilter_graph_config(pointer, nil), "avfilter_graph_config")
    }

    deinit {
        var graph: UnsafeMutablePointer<AVFilterGraph>? = pointer
        avfilter_graph_free(&graph)
    }
}
