import JobSupport
import MazeRendering
import MazeSimulation

/// `vfield`, `vfield-diff`, `heatmap` and `figure` as a job: a template drawn to an image (PNG, SVG, PDF), with
/// its vector-field numbers beside it when `data` is set, or only the numbers when `out` ends in `.json`.
public struct FigureJob: Job {
    public var template: FigureTemplate
    /// How seeds become levels.
    public var generator: LevelGenerator
    /// The image (`.png`, `.svg`, `.pdf`) or, for a vector-field template, `.json` for the numbers only.
    public var out: String
    /// The vector-field numbers (`VectorFieldData` JSON) beside an image `out`.
    public var data: String?
    /// Errors name the panel they come from (`panels[0] (heatmap, seed 0): ...`), as a template file's reader
    /// needs; off for the plain commands, whose user wrote no panels.
    public var namesPanels = true

    public init(template: FigureTemplate, generator: LevelGenerator = LevelGenerator(), out: String, data: String? = nil) {
        self.template = template
        self.generator = generator
        self.out = out
        self.data = data
    }

    /// What was written.
    public struct Result: Sendable, CustomStringConvertible {
        /// The image's size and format (nil when only numbers were written).
        public var image: FigureSummary?
        /// The numbers' one-line report (nil when no `.json` was written).
        public var data: String?
    /// Errors name the panel they come from (`panels[0] (heatmap, seed 0): ...`), as a template file's reader
    /// needs; off for the plain commands, whose user wrote no panels.
    public var namesPanels = true

        /// The command's report: the image's line (with the data's), or the data's.
        public var description: String { image?.description ?? data ?? "" }
    }

    /// Builds the figure (the network runs once for every panel and the data), draws it and writes the files;
    /// both paths are checked before the network runs. The picture records the context's provenance with the
    /// template's seeds, patches and title (`FigureJobs.metadata(of:provenance:)`).
    /// - Throws: `JobError`, `FigureTemplateError`, patch and network errors, `CairoError`, `OutputFileError`.
    public func run(in context: JobContext, progress: JobProgress.Handler? = nil) throws -> Result {
        var figures = try FigureContext(network: context.network, renderer: context.renderer, generator: generator,
                                        modelPath: context.modelPath)
        figures.namesPanels = namesPanels
        if FigureJobs.isDataPath(out) {
            return Result(image: nil, data: try FigureJobs.writeData(template, context: figures, to: out))
        }
        let summary = try FigureJobs.write(template, context: figures, to: out, data: data,
                                           metadata: FigureJobs.metadata(of: template, provenance: context.provenance))
        return Result(image: summary, data: summary.data)
    }
}
