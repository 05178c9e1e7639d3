#ifndef CFFMPEG_SHIM_H
#define CFFMPEG_SHIM_H
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libswscale/swscale.h>
#include <libavutil/avutil.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersrc.h>
#include <libavfilter/buffersink.h>

/* Macros and tuple fields that do not import into Swift, as static inline functions.
   Owned by the VideoEncoding target. */

/// AVERROR(EAGAIN): "try again after reading output / feeding input".
static inline int cffmpeg_error_again(void) { return AVERROR(EAGAIN); }
/// AVERROR_EOF: end of stream.
static inline int cffmpeg_error_eof(void) { return AVERROR_EOF; }
/// AVERROR_FILTER_NOT_FOUND: libavfilter has no filter of that name.
static inline int cffmpeg_error_filter_not_found(void) { return AVERROR_FILTER_NOT_FOUND; }
/// AV_BUFFERSRC_FLAG_KEEP_REF: the buffer source takes a new reference and leaves the caller's frame alone.
static inline int cffmpeg_buffersrc_flag_keep_ref(void) { return AV_BUFFERSRC_FLAG_KEEP_REF; }
/// AVERROR(e) for a POSIX errno value e.
static inline int cffmpeg_error_from_errno(int e) { return AVERROR(e); }
/// AV_NOPTS_VALUE: "no timestamp".
static inline int64_t cffmpeg_nopts_value(void) { return AV_NOPTS_VALUE; }
/// AV_CODEC_FLAG_GLOBAL_HEADER and AVFMT_GLOBALHEADER.
static inline int cffmpeg_codec_flag_global_header(void) { return AV_CODEC_FLAG_GLOBAL_HEADER; }
static inline int cffmpeg_format_flag_global_header(void) { return AVFMT_GLOBALHEADER; }
static inline int cffmpeg_format_flag_nofile(void) { return AVFMT_NOFILE; }

/// frame->data[plane] (AVFrame.data is an 8-element tuple in Swift).
static inline uint8_t *cffmpeg_frame_plane(AVFrame *frame, int plane) { return frame->data[plane]; }
/// frame->linesize[plane], bytes per row of that plane (may be negative in general).
static inline int cffmpeg_frame_linesize(const AVFrame *frame, int plane) { return frame->linesize[plane]; }

/// Converts one packed image (BGRA, RGB24, ...: a single plane) into `dst`'s planes.
static inline int cffmpeg_scale_packed_to_frame(struct SwsContext *context, const uint8_t *src,
                                                int srcStride, int srcHeight, AVFrame *dst) {
    const uint8_t *const planes[4] = { src, NULL, NULL, NULL };
    const int strides[4] = { srcStride, 0, 0, 0 };
    return sws_scale(context, planes, strides, 0, srcHeight, dst->data, dst->linesize);
}

/// Converts the packed image at `src` (`srcHeight` rows, `srcStride` bytes apart) into `dst`'s planes starting at
/// their first row and column: a region smaller than `dst` fills only its top-left corner.
static inline int cffmpeg_scale_packed_region(struct SwsContext *context, const uint8_t *src, int srcStride,
                                              int srcHeight, uint8_t *dst0, uint8_t *dst1, uint8_t *dst2,
                                              int stride0, int stride1, int stride2) {
    const uint8_t *const planes[4] = { src, NULL, NULL, NULL };
    const int strides[4] = { srcStride, 0, 0, 0 };
    uint8_t *const outputs[4] = { dst0, dst1, dst2, NULL };
    const int outputStrides[4] = { stride0, stride1, stride2, 0 };
    return sws_scale(context, planes, strides, 0, srcHeight, outputs, outputStrides);
}

/// Converts all planes of `src` into one packed image (BGRA, RGB24, ...) at `dst`.
static inline int cffmpeg_scale_frame_to_packed(struct SwsContext *context, const AVFrame *src,
                                                uint8_t *dst, int dstStride) {
    uint8_t *const planes[4] = { dst, NULL, NULL, NULL };
    const int strides[4] = { dstStride, 0, 0, 0 };
    return sws_scale(context, (const uint8_t *const *)src->data, src->linesize, 0, src->height,
                     planes, strides);
}

#endif
