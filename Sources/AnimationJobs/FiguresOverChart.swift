import CairoGraphics
import Foundation
import JobSupport
import MazeRendering
import OutputFiles
import VideoJobs

/// The frame the sweep and the animation over models share: a figure of maze panels centred at the top (laid
/// out once, from the first frame's figure, so every frame has the same size) over a chart band as wide as the
/// video. Draws and encodes the frames one by one, then puts the outputs in place (`AnimationJob.finish`).
struct FiguresOverChart {
    let job: AnimationJob
    let figures: FigureRenderer
    let layout: FigureRenderer.Layout
    let chartHeight: Double
    let minimumWidth: Double

    init(job: AnimationJob, sprites: MazeSprites, first: Figure, chartHeight: Double, minimumWidth: Double) {
        self.job = job
        figures = FigureRenderer(sprites: sprites, mazeCache: MazeViewCache())
        layout = figures.layout(of: first)
        self.chartHeight = chartHeight
        self.minimumWidth = minimumWidth
    }

    /// Encodes `count` frames: frame `i` is `figure(i)` over `chart(i, canvas, band)`; `data` is asked for once
    /// all frames are encoded (nil: none). The video is cancelled (nothing left behind) when anything throws.
    /// - Returns: the summary, timed from `started`, with the numbers' seconds and `notes`.
    func encode(frames count: Int, metadata: [(key: String, value: String)], figure: (Int) -> Figure,
                chart: (Int, Canvas, Rect) -> Void, data: () -> JSONValue?, notes: [String], numbersSeconds: Double,
                started: ContinuousClock.Instant, progress: JobProgress.Handler?, cancellation: JobCancellation?,
                frameObserver: ((UnsafeRawBufferPointer, Int) throws -> Void)?) throws -> AnimationSummary {
        let clock = ContinuousClock()
        let width = Int(max(layout.width, minimumWidth)), height = Int(layout.height + chartHeight)
        let video = try CanvasVideo(path: job.out, width: width, height: height, fps: job.fps, metadata: metadata,
                                    pipelined: job.pipelined)
        do {
            let band = Rect(x: 0, y: layout.height, width: Double(video.width), height: chartHeight)
            var drawing = Duration.zero
            for index in 0..<count {
                try checkCancelled(cancellation)
                let drawStart = clock.now
                let canvas = video.canvas
                canvas.paint(.white)
                try canvas.withSavedState { () throws in
                    canvas.translate(x: ((Double(video.width) - layout.width) / 2).rounded(), y: 0)
                    try figures.draw(figure(index), layout: layout, on: canvas)
                }
                chart(index, canvas, band)
                try canvas.checkStatus()
                drawing += clock.now - drawStart
                try video.appendFrame(observer: frameObserver)
                progress?(JobProgress(done: index + 1, total: count, unit: "frames", phase: "video"))
            }
            return try job.finish(video, data: job.data == nil ? nil : data(), numbersSeconds: numbersSeconds,
                                  drawingSeconds: drawing.seconds, started: started, notes: notes)
        } catch {
            video.cancel()
            throw error
        }
    }
}
