import CFFmpeg

/// A video file's container metadata, read with libavformat (no decoding): MP4 `udta`/`mdta` tags, Matroska/WebM
/// tags and segment title, the GIF demuxer's comment. Keys come back as the demuxer spells them (WebM upper-cases
/// tag names; `title` for the container title), in stored order.
///
/// ```swift
/// for (key, value) in try VideoMetadata.read(path: "Renders/run.mp4") { print("\(key): \(value)") }
/// ```
/// Cost: opening the file and probing its streams.
public enum VideoMetadata {
    /// Lowers FFmpeg's global log level to errors only (from the default `info`/`warning`), so a damaged file's
    /// demuxer warnings do not reach the terminal; the caller reports the failure itself.
    /// - Throws: `FFmpegError` naming `path` when libavformat cannot open it.
    public static func read(path: String) throws -> [(key: String, value: String)] {
        if av_log_get_level() > AV_LOG_ERROR { av_log_set_level(AV_LOG_ERROR) }
        let input = try InputFormat(path: path, findStreams: false)
        var entries: [(key: String, value: String)] = []
        var entry: UnsafeMutablePointer<AVDictionaryEntry>?
        while let next = av_dict_get(input.pointer.pointee.metadata, "", entry, AV_DICT_IGNORE_SUFFIX) {
            entries.append((key: String(cString: next.pointee.key), value: String(cString: next.pointee.value)))
            entry = next
        }
        return entries
    }

    /// libavformat's name for the container of `path` (`"mov,mp4,m4a,3gp,3g2,mj2"`, `"matroska,webm"`, `"gif"`).
    public static func containerName(path: String) throws -> String {
        let input = try InputFormat(path: path)
        return String(cString: input.pointer.pointee.iformat.pointee.name)
    }
}
