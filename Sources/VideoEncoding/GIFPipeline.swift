import CFFmpeg
#if canImport(Glibc)
import Glibc
#endif

/// Turns the RGB frames of one GIF into palette-indexed frames with libavfilter, in two passes.
///
/// Pass 1 (`append`): every frame goes through `palettegen` (colour statistics over the whole video; the filter
/// keeps a histogram, not the frames) and into a temporary spool file as the 8-byte words that differ from the
/// previous frame (a rollout frame changes in a small part: the mouse, the bars, the caption), so memory holds two
/// frames, never the video, and the spool on disk holds only what changed.
///
/// Pass 2 (`finish`): the spool is replayed through `paletteuse` with that one palette, ordered (Bayer)
/// dithering and `diff_mode=rectangle`, which re-maps only the rectangle that changed since the previous frame
/// and keeps the indices elsewhere. Unchanged pixels thus keep their indices, and libavcodec's GIF encoder
/// (`gifflags +offsetting+transdiff`) stores only the changed rectangle of each frame, with the unchanged pixels
/// inside it transparent.
///
/// Cost: `palettegen` hashes every pixel once; the spool costs one compare of each frame with the previous.
final class GIFPipeline {
    /// libavfilter settings, chosen by measurement on `rollout --seeds 0..3` (852 frames, 804x544, bundled agent):
    /// `palettegen` counts every colour of every frame (`stats_mode=full`; `diff` gave 7.0 MB at 38.9 dB) and
    /// reserves one entry for transparency. `paletteuse` dithers with the gentlest Bayer matrix (`bayer_scale=5`:
    /// 6.0 MB, mean PSNR 43.8 dB; scale 3: 6.7 MB, 39.8 dB; `sierra2_4a`: 8.0 MB, 42.5 dB and twice the time;
    /// none: 5.8 MB, 44.3 dB, but nothing breaks up bands in smooth gradients), ordered so a static area keeps its pattern from frame to frame,
    /// and re-maps only changed rectangles.
    static let palettegenArguments = "max_colors=256:reserve_transparent=1:stats_mode=full"
    static let paletteuseArguments = "dither=bayer:bayer_scale=5:diff_mode=rectangle"

    let width: Int, height: Int, fps: Int
    /// Frames appended so far.
    private(set) var count = 0
    /// The last appended (or replayed) frame and the one before, as packed BGRA with opaque alpha,
    /// two pixels per word (an odd pixel count leaves the last half word zero).
    private var current: [UInt64], previous: [UInt64]
    private var record: [UInt64] = []
    private let spool: UnsafeMutablePointer<FILE>
    private let statistics: FilterGraph
    private let statisticsSource: UnsafeMutablePointer<AVFilterContext>
    private let statisticsSink: UnsafeMutablePointer<AVFilterContext>
    private let frame: Frame

    init(width: Int, height: Int, fps: Int) throws {
        self.width = width
        self.height = height
        self.fps = fps
        let words = (width * height + 1) / 2
        current = [UInt64](repeating: 0, count: words)
        previous = current
        guard let file = tmpfile() else { throw VideoEncodingError.temporaryFile(function: "tmpfile", errno: errno) }
        spool = file
        do {
            frame = try Frame(format: AV_PIX_FMT_BGRA, width: width, height: height)
            statistics = try FilterGraph()
            statisticsSource = try statistics.add("buffer", Self.sourceArguments(width: width, height: height,
                                                                                 format: AV_PIX_FMT_BGRA, fps: fps))
            let palettegen = try statistics.add("palettegen", Self.palettegenArguments)
            statisticsSink = try statistics.add("buffersink", nil)
            try statistics.link(statisticsSource, to: palettegen)
            try statistics.link(palettegen, to: statisticsSink)
            try statistics.configure()
        } catch {
            fclose(file)
            throw error
        }
    }

    deinit { fclose(spool) }

    private static func sourceArguments(width: Int, height: Int, format: AVPixelFormat, fps: Int) -> String {
        "video_size=\(width)x\(height):pix_fmt=\(format.rawValue):time_base=1/\(fps):pixel_aspect=1/1"
    }

    /// Pass 1 for one frame: palette statistics and the spool. `pixels` is checked by the caller.
    func append(_ pixels: UnsafeRawBufferPointer, layout: PixelLayout, bytesPerRow: Int) throws {
        swap(&current, &previous)
        let width = self.width
        current.withUnsafeMutableBytes { words in
            let out = words.baseAddress!.assumingMemoryBound(to: UInt32.self)
            for y in 0..<height {
                let row = pixels.baseAddress! + y * bytesPerRow, line = out + y * width
                if layout == .bgra {
                    UnsafeMutableRawPointer(line).copyMemory(from: row, byteCount: width * 4)
                    for x in 0..<width { line[x] |= 0xFF00_0000 }
                } else {
                    let bytes = row.assumingMemoryBound(to: UInt8.self)
                    for x in 0..<width {
                        line[x] = 0xFF00_0000 | UInt32(bytes[3 * x]) << 16 | UInt32(bytes[3 * x + 1]) << 8
                            | UInt32(bytes[3 * x + 2])
                    }
                }
            }
        }
        try writeDifference()
        try send(to: statisticsSource, pts: count)
        // Runs palettegen on the frame now, so no frame waits in the graph; it answers EAGAIN until the end.
        let code = av_buffersink_get_frame(statisticsSink, frame.pointer)
        if code != cffmpeg_error_again() { try check(code, "av_buffersink_get_frame") }
        count += 1
    }

    /// Pass 1 for the last frame once more: the same statistics and spool record as `append` with its pixels.
    func appendRepeat() throws {
        previous.withUnsafeMutableBytes { to in current.withUnsafeBytes { to.copyMemory(from: $0) } }
        try writeDifference()
        try send(to: statisticsSource, pts: count)
        let code = av_buffersink_get_frame(statisticsSink, frame.pointer)
        if code != cffmpeg_error_again() { try check(code, "av_buffersink_get_frame") }
        count += 1
    }

    /// Copies `current` into `frame` and hands it to a buffer source with presentation time `pts` (in 1/fps).
    private func send(to source: UnsafeMutablePointer<AVFilterContext>, pts: Int) throws {
        try frame.makeWritable()
        let f = frame.pointer
        let plane = UnsafeMutableRawPointer(cffmpeg_frame_plane(f, 0)!), stride = Int(cffmpeg_frame_linesize(f, 0))
        current.withUnsafeBytes { words in
            for y in 0..<height {
                (plane + y * stride).copyMemory(from: words.baseAddress! + y * width * 4, byteCount: width * 4)
            }
        }
        f.pointee.pts = Int64(pts)
        try check(av_buffersrc_add_frame_flags(source, f, cffmpeg_buffersrc_flag_keep_ref()),
                  "av_buffersrc_add_frame_flags")
    }

    /// Appends one spool record: its length in words, then runs of (unchanged << 32 | changed) word counts,
    /// each followed by the changed words.
    private func writeDifference() throws {
        record.removeAll(keepingCapacity: true)
        record.append(0)
        current.withUnsafeBufferPointer { now in previous.withUnsafeBufferPointer { before in
            let n = now.count
            var i = 0
            while i < n {
                let start = i
                while i < n && now[i] == before[i] { i += 1 }
                let changedStart = i
                while i < n {
                    if now[i] != before[i] { i += 1; continue }
                    if i + 1 >= n || now[i + 1] == before[i + 1] { break }
                    i += 1
                }
                record.append(UInt64(changedStart - start) << 32 | UInt64(i - changedStart))
                record.append(contentsOf: now[changedStart..<i])
            }
        } }
        record[0] = UInt64(record.count - 1)
        let written = record.withUnsafeBytes { fwrite($0.baseAddress!, 8, $0.count / 8, spool) }
        if written != record.count { throw VideoEncodingError.temporaryFile(function: "fwrite", errno: errno) }
    }

    /// Reads the next spool record into `current`, which holds the frame before it.
    private func readDifference() throws {
        var length: UInt64 = 0
        guard fread(&length, 8, 1, spool) == 1 else {
            throw VideoEncodingError.temporaryFile(function: "fread", errno: errno)
        }
        record = [UInt64](repeating: 0, count: Int(length))
        let read = record.withUnsafeMutableBytes { fread($0.baseAddress!, 8, Int(length), spool) }
        guard read == Int(length) else { throw VideoEncodingError.temporaryFile(function: "fread", errno: errno) }
        var position = 0, r = 0
        while r < record.count {
            let unchanged = Int(record[r] >> 32), changed = Int(record[r] & 0xFFFF_FFFF)
            r += 1
            position += unchanged
            for k in 0..<changed { current[position + k] = record[r + k] }
            position += changed
            r += changed
        }
    }

    /// Pass 2: builds the palette, replays every frame through `paletteuse` and hands each indexed (`pal8`)
    /// frame, `pts` in 1/fps, to `encode` in order. Call once.
    func finish(encode: (UnsafeMutablePointer<AVFrame>) throws -> Void) throws {
        // palettegen warns "Duped color" when two boxes average to one colour, which is harmless; keep it quiet.
        let logLevel = av_log_get_level()
        if logLevel == AV_LOG_WARNING { av_log_set_level(AV_LOG_ERROR) }
        defer { av_log_set_level(logLevel) }
        try check(av_buffersrc_add_frame_flags(statisticsSource, nil, 0), "av_buffersrc_add_frame_flags")
        let palette = try Frame()
        try check(av_buffersink_get_frame(statisticsSink, palette.pointer), "av_buffersink_get_frame")
        av_log_set_level(logLevel)

        let mapping = try FilterGraph()
        let source = try mapping.add("buffer", Self.sourceArguments(width: width, height: height,
                                                                    format: AV_PIX_FMT_BGRA, fps: fps))
        let paletteSource = try mapping.add("buffer", Self.sourceArguments(
            width: Int(palette.pointer.pointee.width), height: Int(palette.pointer.pointee.height),
            format: AVPixelFormat(palette.pointer.pointee.format), fps: fps))
        let paletteuse = try mapping.add("paletteuse", Self.paletteuseArguments)
        let sink = try mapping.add("buffersink", nil)
        try mapping.link(source, to: paletteuse, 0)
        try mapping.link(paletteSource, to: paletteuse, 1)
        try mapping.link(paletteuse, to: sink)
        try mapping.configure()
        palette.pointer.pointee.pts = 0
        try check(av_buffersrc_add_frame_flags(paletteSource, palette.pointer, 0), "av_buffersrc_add_frame_flags")
        try check(av_buffersrc_add_frame_flags(paletteSource, nil, 0), "av_buffersrc_add_frame_flags")

        let output = try Frame()
        let sinkTimeBase = av_buffersink_get_time_base(sink), frameTimeBase = AVRational(num: 1, den: Int32(fps))
        func drain() throws {
            while true {
                let code = av_buffersink_get_frame(sink, output.pointer)
                if code == cffmpeg_error_again() || code == cffmpeg_error_eof() { return }
                try check(code, "av_buffersink_get_frame")
                defer { av_frame_unref(output.pointer) }
                output.pointer.pointee.pts = av_rescale_q(output.pointer.pointee.pts, sinkTimeBase, frameTimeBase)
                try encode(output.pointer)
            }
        }
        rewind(spool)
        for i in current.indices { current[i] = 0 }
        for index in 0..<count {
            try readDifference()
            try send(to: source, pts: index)
            try drain()
        }
        try check(av_buffersrc_add_frame_flags(source, nil, 0), "av_buffersrc_add_frame_flags")
        try drain()
    }
}
