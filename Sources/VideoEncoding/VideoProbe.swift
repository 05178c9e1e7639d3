import CFFmpeg

/// What a video file holds, found by opening it with libavformat and decoding every frame with libavcodec.
///
/// ```swift
/// let probe = try VideoProbe(path: "Renders/run.mp4")
/// print(probe.codecName, probe.pixelFormat, probe.width, probe.height, probe.frameCount, probe.durationSeconds)
/// ```
/// Cost: a full decode of the first video stream (no colour conversion).
public struct VideoProbe: Sendable, Equatable {
    /// libavformat's container name, e.g. `"mov,mp4,m4a,3gp,3g2,mj2"`, `"gif"`, `"matroska,webm"`.
    public var containerName: String
    /// Codec name, e.g. `"h264"`, `"mpeg4"`, `"vp9"`, `"gif"`.
    public var codecName: String
    /// Stored pixel format, e.g. `"yuv420p"` (the first decoded frame's when the stream does not say).
    public var pixelFormat: String
    /// Frame size in pixels.
    public var width: Int, height: Int
    /// Frames actually decoded.
    public var frameCount: Int
    /// Stream duration in seconds (container duration when the stream has none).
    public var durationSeconds: Double
    /// Frames per second as stored (`avg_frame_rate`, 0 when unknown).
    public var framesPerSecond: Double

    private init(containerName: String, codecName: String, pixelFormat: String, width: Int, height: Int,
                 frameCount: Int, durationSeconds: Double, framesPerSecond: Double) {
        self.containerName = containerName
        self.codecName = codecName
        self.pixelFormat = pixelFormat
        self.width = width
        self.height = height
        self.frameCount = frameCount
        self.durationSeconds = durationSeconds
        self.framesPerSecond = framesPerSecond
    }

    public init(path: String) throws {
        var count = 0
        var decodedFormat = ""
        let info = try VideoProbe.decode(path: path, convert: false) { frame, _ in
            if count == 0 { decodedFormat = pixelFormatName(frame.pointee.format) }
            count += 1
        }
        self = info
        frameCount = count
        if pixelFormat.isEmpty { pixelFormat = decodedFormat }
    }

    /// Decodes every frame of the first video stream into BGRA and hands each to `body`, in display order.
    /// Cost: a full decode plus one colour conversion per frame.
    public static func forEachFrame(path: String, _ body: (DecodedFrame) throws -> Void) throws {
        _ = try decode(path: path, convert: true) { _, decoded in try body(decoded!) }
    }

    /// Opens `path`, decodes the first video stream and calls `body` for every frame.
    private static func decode(
        path: String, convert: Bool,
        _ body: (UnsafeMutablePointer<AVFrame>, DecodedFrame?) throws -> Void
    ) throws -> VideoProbe {
        let input = try InputFormat(path: path)
        var decoder: UnsafePointer<AVCodec>?
        let index = try check(av_find_best_stream(input.pointer, AVMEDIA_TYPE_VIDEO, -1, -1, &decoder, 0),
                              "av_find_best_stream", path: path)
        let stream = input.pointer.pointee.streams[Int(index)]!
        let parameters = stream.pointee.codecpar!
        let context = try CodecContext(codec: try checkAllocated(decoder, "av_find_best_stream"))
        try check(avcodec_parameters_to_context(context.pointer, parameters), "avcodec_parameters_to_context")
        try check(avcodec_open2(context.pointer, decoder, nil), "avcodec_open2", path: path)

        let timeBase = stream.pointee.time_base
        var duration = 0.0
        if stream.pointee.duration != cffmpeg_nopts_value() && stream.pointee.duration > 0 {
            duration = Double(stream.pointee.duration) * Double(timeBase.num) / Double(timeBase.den)
        } else if input.pointer.pointee.duration != cffmpeg_nopts_value() {
            duration = Double(input.pointer.pointee.duration) / Double(AV_TIME_BASE)
        }
        let rate = stream.pointee.avg_frame_rate
        var probe = VideoProbe(
            containerName: String(cString: input.pointer.pointee.iformat.pointee.name),
            codecName: String(cString: avcodec_get_name(parameters.pointee.codec_id)),
            pixelFormat: parameters.pointee.format < 0 ? "" : pixelFormatName(parameters.pointee.format),
            width: Int(parameters.pointee.width), height: Int(parameters.pointee.height), frameCount: 0,
            durationSeconds: duration, framesPerSecond: rate.den == 0 ? 0 : Double(rate.num) / Double(rate.den))

        let packet = try Packet(), frame = try Frame()
        var scaler: (format: Int32, scaler: Scaler)?
        var decodedCount = 0
        func receiveFrames() throws {
            while true {
                let received = avcodec_receive_frame(context.pointer, frame.pointer)
                if received == cffmpeg_error_again() || received == cffmpeg_error_eof() { return }
                try check(received, "avcodec_receive_frame", path: path)
                defer { av_frame_unref(frame.pointer) }
                let f = frame.pointer
                var decoded: DecodedFrame?
                if convert {
                    let width = Int(f.pointee.width), height = Int(f.pointee.height)
                    if scaler?.format != f.pointee.format {
                        scaler = (f.pointee.format, try Scaler(
                            width: width, height: height, from: AVPixelFormat(f.pointee.format), to: AV_PIX_FMT_BGRA,
                            colorspace: Int32(f.pointee.colorspace.rawValue),
                            fullRangeYUV: f.pointee.color_range == AVCOL_RANGE_JPEG))
                    }
                    var pixels = [UInt8](repeating: 0, count: width * height * 4)
                    _ = try pixels.withUnsafeMutableBufferPointer { buffer throws(FFmpegError) in
                        try check(cffmpeg_scale_frame_to_packed(scaler!.scaler.pointer, f, buffer.baseAddress,
                                                                Int32(width * 4)), "sws_scale")
                    }
                    let pts = f.pointee.best_effort_timestamp
                    let seconds = pts == cffmpeg_nopts_value() ? 0 : Double(pts) * Double(timeBase.num) / Double(timeBase.den)
                    decoded = DecodedFrame(index: decodedCount, width: width, height: height,
                                           timeSeconds: seconds, pixels: pixels)
                }
                decodedCount += 1
                try body(f, decoded)
            }
        }
        while true {
            let read = av_read_frame(input.pointer, packet.pointer)
            if read == cffmpeg_error_eof() { break }
            try check(read, "av_read_frame", path: path)
            defer { av_packet_unref(packet.pointer) }
            if packet.pointer.pointee.stream_index == index {
                try check(avcodec_send_packet(context.pointer, packet.pointer), "avcodec_send_packet", path: path)
                try receiveFrames()
            }
        }
        try check(avcodec_send_packet(context.pointer, nil), "avcodec_send_packet", path: path)
        try receiveFrames()
        probe.frameCount = decodedCount
        return probe
    }
}

/// One decoded video frame as packed BGRA bytes (`width * 4` bytes per row, rows top to bottom).
public struct DecodedFrame: Sendable {
    /// Position in display order, from 0.
    public var index: Int
    /// Size in pixels.
    public var width: Int, height: Int
    /// Presentation time in seconds.
    public var timeSeconds: Double
    /// `height * width * 4` bytes: B, G, R, A per pixel.
    public var pixels: [UInt8]

    /// The pixel at column `x`, row `y` as (red, green, blue).
    public func rgb(x: Int, y: Int) -> (red: UInt8, green: UInt8, blue: UInt8) {
        let offset = (y * width + x) * 4
        return (pixels[offset + 2], pixels[offset + 1], pixels[offset])
    }
}

private func pixelFormatName(_ format: Int32) -> String {
    av_get_pix_fmt_name(AVPixelFormat(format)).map { String(cString: $0) } ?? "unknown(\(format))"
}
