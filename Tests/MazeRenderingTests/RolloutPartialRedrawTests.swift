import CairoGraphics
import MazeRendering
import MazeSimulation
import Testing

/// `RolloutFrameRenderer.draw(_:over:on:)` repaints only the panels that changed; the pixels must be exactly those
/// of drawing the whole frame.
@Suite("rollout frames repainted panel by panel equal whole redraws")
struct RolloutPartialRedrawTests {
    /// Panel `variant` of `seed` after `moves` moves (alternating right and up, blocked moves included).
    static func panel(seed: Int32, variant: String, moves: Int, finished: Bool = false) -> RolloutPanelContent {
        var state = Fixtures.generator.generate(seed: seed)
        var trail = [state.mouseMaze]
        for move in 0..<moves {
            state.stepCount += 1
            _ = state.applyMove(move % 2 == 0 ? .right : .up)
            trail.append(state.mouseMaze)
        }
        let probabilities: [Float] = [0.1, 0.2, 0.3, Float(moves % 5) / 10, 0.05]
        return RolloutPanelContent(
            variantName: variant, seed: seed, state: state, step: moves,
            probabilities: finished ? nil : probabilities, chosenGroup: finished ? nil : moves % 5, trail: trail,
            outcome: finished ? .stopped(steps: moves) : nil)
    }

    static func frame(_ groups: [[RolloutPanelContent]]) -> RolloutFrameContent {
        RolloutFrameContent(title: "seed \(groups[0][0].seed)", subtitle: "original vs cheese · argmax", groups: groups)
    }

    static func pixels(_ canvas: Canvas) throws -> [UInt8] {
        try canvas.withUnsafePixels { pixels, _, _, _ in Array(pixels) }
    }

    /// Draws `frames` in turn with `draw(_:over:on:)` on one canvas and checks each against a whole redraw.
    /// - Returns: panels painted per frame.
    static func check(_ frames: [RolloutFrameContent], layout: RolloutFrameLayout) throws -> [Int] {
        let renderer = RolloutFrameRenderer(layout: layout, sprites: try Fixtures.sprites())
        let reference = RolloutFrameRenderer(layout: layout, sprites: try Fixtures.sprites())
        let canvas = try renderer.makeCanvas()
        var painted: [Int] = []
        var previous: RolloutFrameContent?
        for (index, frame) in frames.enumerated() {
            painted.append(try renderer.draw(frame, over: previous, on: canvas))
            previous = frame
            let whole = try reference.makeCanvas()
            try reference.draw(frame, on: whole)
            #expect(try pixels(canvas) == pixels(whole), "frame \(index)")
        }
        return painted
    }

    @Test("side by side: one panel moving, the other finished and waiting; then the next seed")
    func sequential() throws {
        let layout = RolloutFrameLayout(panelSide: 160, variants: 2)
        var frames: [RolloutFrameContent] = []
        for step in 0..<6 {
            frames.append(Self.frame([[Self.panel(seed: 3, variant: "original", moves: min(step, 2), finished: step >= 2),
                                       Self.panel(seed: 3, variant: "cheese", moves: step)]]))
        }
        frames.append(frames.last!)  // unchanged: nothing painted
        frames.append(Self.frame([[Self.panel(seed: 8, variant: "original", moves: 0),
                                   Self.panel(seed: 8, variant: "cheese", moves: 0)]]))
        let painted = try Self.check(frames, layout: layout)
        #expect(painted == [2, 2, 2, 1, 1, 1, 0, 2])
    }

    @Test("grid of four seeds: single panels change anywhere in the grid")
    func grid() throws {
        let layout = RolloutFrameLayout(panelSide: 96, variants: 2, groupColumns: 2, groupRows: 2)
        let seeds: [Int32] = [1, 2, 5, 9]
        var frames: [RolloutFrameContent] = []
        for step in 0..<5 {
            frames.append(RolloutFrameContent(title: "seeds 1, 2, 5, 9", subtitle: "a vs b · argmax", groups: seeds.enumerated().map { g, seed in
                [Self.panel(seed: seed, variant: "a", moves: min(step, g + 1), finished: step > g + 1),
                 Self.panel(seed: seed, variant: "b", moves: step == 4 && g == 3 ? 3 : min(step, 1))]
            }))
        }
        let painted = try Self.check(frames, layout: layout)
        let changed = frames.indices.map { i in
            i == 0 ? 8 : (0..<4).flatMap { g in (0..<2).map { v in (g, v) } }
                .filter { frames[i].groups[$0.0][$0.1] != frames[i - 1].groups[$0.0][$0.1] }.count
        }
        #expect(painted == changed)
        #expect(painted.dropFirst().contains { $0 > 0 && $0 < 8 }, "\(painted)")
    }
}
