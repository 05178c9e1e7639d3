import CairoGraphics
import ImpalaPolicy
import MazeObservation
import MazeRendering
import MazeSimulation
import PolicyAnalysis
import Tensors

/// Where the time of one vector-field figure goes (median seconds over the repeats).
public struct FigureBenchmarkResult: Sendable, Equatable {
    public var seed: Int32
    /// Legal mouse positions = observations = arrows.
    public var positions: Int
    /// Rendering the observations (static image once, mouse stamped per position) into the input tensor.
    public var observationSeconds: Double
    /// The batched forward pass.
    public var forwardSeconds: Double
    /// Drawing the figure (maze view, arrows, label) on a 512 px image canvas.
    public var drawingSeconds: Double
    /// PNG encoding of the drawn canvas (zlib).
    public var encodingSeconds: Double

    /// (observations + drawing) / forward pass; the target is under 0.1.
    public var overheadRatio: Double { (observationSeconds + drawingSeconds) / forwardSeconds }
}

/// Times a vector-field figure of a 25x25 maze with a random-weight network at `scale`, in three stages:
/// observations, forward pass, drawing (plus PNG encoding, reported apart).
/// - Parameters:
///   - renderer: the observation renderer (its assets also give the sprites).
///   - repeats: timed runs per stage after one warm-up; medians are reported.
/// - Throws: `CairoError` or network errors.
public func benchmarkVectorFieldFigure(renderer: ObservationRenderer, scale: Int = 4, repeats: Int = 3) throws -> FigureBenchmarkResult {
    let generator = LevelGenerator()
    var seed: Int32 = 0
    while generator.generate(seed: seed).mazeDimension != 25 { seed += 1 }
    let maze = generator.generate(seed: seed)
    let positions = maze.legalMousePositions
    let network = ImpalaNetwork.randomlyInitialized(scale: scale, seed: 0)
    let sprites = try MazeSprites(assets: renderer.assets)
    let figureRenderer = FigureRenderer(sprites: sprites)

    func median(_ body: () throws -> Void) rethrows -> Double {
        try BenchmarkTiming.medianSeconds(repeats: repeats, body)
    }

    var input = Tensor(zeros: [1])
    let observationSeconds = median {
        let placements = renderer.mousePlacements(in: maze)
        input = Tensor(shape: [positions.count, 3, 64, 64], scalars: placements.chwFloats(mouseCells: positions))
    }
    var output: PolicyOutput?
    let forwardSeconds = try median { output = try network.forward(input) }
    let groups = output!.groupProbabilities.scalars
    let distributions = positions.indices.map { n in
        ActionDistribution(logits: [], actions: [], groups: Array(groups[(5 * n)..<(5 * n + 5)]), value: 0)
    }
    let field = VectorField(maze: maze, positions: positions, distributions: distributions)
    let figure = Figure(panels: [FigurePanel(maze: maze, layers: [.netArrows(field, color: .white)], label: "Seed \(seed)")],
                        panelSize: 512)
    var canvas: Canvas?
    let drawingSeconds = try median { canvas = try figureRenderer.render(figure, format: .png) }
    let encodingSeconds = try median { _ = try canvas!.pngBytes() }
    return FigureBenchmarkResult(seed: seed, positions: positions.count, observationSeconds: observationSeconds,
                                 forwardSeconds: forwardSeconds, drawingSeconds: drawingSeconds,
                                 encodingSeconds: encodingSeconds)
}
