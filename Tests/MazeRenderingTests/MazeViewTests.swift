import CairoGraphics
import MazeObservation
import MazeRendering
import MazeSimulation
import PolicyAnalysis
import Testing

@Suite("Human view, arrows, heat maps and overlays")
struct MazeViewTests {
    @Test func geometryFlipsYAndCropsTheMargin() throws {
        let maze = Fixtures.generator.generate(seed: 0)   // 13x13, margin 6
        let full = MazeViewGeometry(maze: maze, padding: .shown, frame: Rect(x: 0, y: 0, width: 512, height: 512))
        #expect(abs(full.tileSize - 20.48) < 1e-9)
        // Maze (0, 0) is world (6, 6): column 6, row 18 from the top.
        let start = full.rect(of: MazePoint(x: 0, y: 0))
        #expect(abs(start.x - 6 * 20.48) < 1e-9 && abs(start.y - 18 * 20.48) < 1e-9)
        let cropped = MazeViewGeometry(maze: maze, padding: .cropped, frame: Rect(x: 10, y: 20, width: 260, height: 260))
        #expect(cropped.rect(of: MazePoint(x: 0, y: 12)).x == 10 && cropped.rect(of: MazePoint(x: 0, y: 12)).y == 20)
        #expect(abs(cropped.worldRect.width - 500) < 1e-9 && abs(cropped.worldRect.x - (10 - 120)) < 1e-9)
        // Up in the maze is up on the canvas.
        #expect(cropped.offset(dx: 0, dy: 1).y < 0)
        // Channel cell (0, 0) of a 16x16 map is the world's top-left 1/16.
        #expect(full.rect(ofChannelRow: 0, column: 0, mapSize: 16) == Rect(x: 0, y: 0, width: 32, height: 32))
    }

    @Test func defaultSideIsProcgensRender() {
        let maze = Fixtures.generator.generate(seed: 0)
        #expect(MazeView.side(of: maze, padding: .shown) == 512)
        #expect(MazeView.side(of: maze, padding: .cropped) == 266)
    }

    @Test func croppedViewWithMouseMatchesGolden() throws {
        let maze = Fixtures.generator.generate(seed: 0)
        let image = try MazeView.image(maze, options: MazeViewOptions(padding: .cropped, showMouse: true),
                                       sprites: try Fixtures.sprites(), side: 256)
        let canvas = try Canvas(width: 256, height: 256)
        canvas.drawImage(image, in: Rect(x: 0, y: 0, width: 256, height: 256))
        try expectMatchesGolden(try canvas.pngBytes(), named: "maze-seed0-cropped")
    }

    @Test func paddedViewShowsTheWholeWorld() throws {
        let maze = Fixtures.generator.generate(seed: 3893)
        let canvas = try Canvas(width: 256, height: 256)
        let geometry = MazeViewGeometry(maze: maze, padding: .shown, frame: Rect(x: 0, y: 0, width: 256, height: 256))
        MazeView.draw(maze, options: MazeViewOptions(padding: .shown, showMouse: true), sprites: try Fixtures.sprites(),
                      geometry: geometry, on: canvas)
        try expectMatchesGolden(try canvas.pngBytes(), named: "maze-seed3893-padded")
    }

    @Test func syntheticVectorFieldWithOverlaysMatchesGolden() throws {
        let maze = Fixtures.generator.generate(seed: 0)
        let field = syntheticField(maze)
        let panel = FigurePanel(maze: maze, layers: [
            .netArrows(field, color: .white), .topRightRegion(size: 5, color: .yellow),
            .cellDots([try #require(maze.decisionSquare)], color: .red),
        ])
        let canvas = try Canvas(width: 256, height: 256)
        try FigureRenderer(sprites: try Fixtures.sprites()).drawPanel(panel, in: Rect(x: 0, y: 0, width: 256, height: 256), on: canvas)
        try expectMatchesGolden(try canvas.pngBytes(), named: "vfield-synthetic-seed0")
    }

    @Test func heatmapWithColourBarMatchesGolden() throws {
        let maze = Fixtures.generator.generate(seed: 0)
        var values = [Float](repeating: 0, count: 256)
        for index in 0..<256 {
            let column = Float(index % 16 - 8) / 8
            values[index] = index / 16 == 3 ? column + 0.5 : column
        }
        let map = ChannelMap(values: values, height: 16, width: 16)
        let panel = FigurePanel(maze: maze, view: MazeViewOptions(padding: .shown, showMouse: true),
                                layers: [.channel(map, colorMap: .blueWhiteRed, limit: 1, opacity: 0.8),
                                         .channelDots([(row: 5, column: 11)], mapSize: 16, color: .red)],
                                title: "channel 55", colorBar: ColorBarSpec(colorMap: .blueWhiteRed, limit: 1))
        let canvas = try FigureRenderer(sprites: try Fixtures.sprites()).render(Figure(panels: [panel], panelSize: 200), format: .png)
        try expectMatchesGolden(try canvas.pngBytes(), named: "heatmap-synthetic-seed0")
    }

    @Test func colourMapsFollowThePublishedConventions() {
        // Posts: RdBu, positive blue. Paper: bwr, positive red, fixed [-1, 1].
        let posts = HeatmapConvention.posts, paper = HeatmapConvention.paper
        let bluePositive = posts.colorMap.color(1, limit: 1)
        #expect(bluePositive.blue > bluePositive.red)
        let redPositive = paper.colorMap.color(1, limit: 1)
        #expect(redPositive == Color(red: 1, green: 0, blue: 0))
        #expect(paper.colorMap.color(0, limit: 1) == .white)
        #expect(paper.colorMap.color(-5, limit: 1) == Color(red: 0, green: 0, blue: 1))
        #expect(paper.limit(layerValues: [3, -7]) == 1)
        #expect(posts.limit(layerValues: [3, -7]) == 7)
        #expect(posts.colorMap.color(0, limit: 2) == Color(hex: 0xF7F7F7))
    }

    @Test(arguments: [0, 54, 3893]) func netArrowsAreOnePerMovingPositionInSVG(seed: Int32) throws {
        let maze = Fixtures.generator.generate(seed: seed)
        let field = syntheticField(maze)
        let figure = Figure(panels: [FigurePanel(maze: maze, layers: [.netArrows(field, color: .white)], label: "Original")])
        let svg = try FigureRenderer(sprites: try Fixtures.sprites()).render(figure, format: .svg).finish()
        let counter = try #require(SVGCounter.count(svg), "the SVG does not parse as XML")
        let moving = field.positions.indices.filter { let a = field.netArrow(at: $0); return a.dx != 0 || a.dy != 0 }.count
        #expect(counter.paths["100%,100%,100%"] == moving)
        #expect(counter.images == 1)
    }

    @Test func componentAndDiffArrowsAreVectorsInSVG() throws {
        let maze = Fixtures.generator.generate(seed: 0)
        let original = syntheticField(maze, toward: 0.8), patched = syntheticField(maze, toward: 0.4)
        let diff = VectorFieldDiff(patched: patched, original: original)
        let figure = Figure(panels: [
            FigurePanel(maze: maze, layers: [.componentArrows(original, color: .white)]),
            FigurePanel(maze: maze, layers: [.diffArrows(diff, color: .lime)]),
        ])
        let svg = try FigureRenderer(sprites: try Fixtures.sprites()).render(figure, format: .svg).finish()
        let counter = try #require(SVGCounter.count(svg))
        #expect(counter.paths["100%,100%,100%"] == 4 * original.positions.count)
        #expect(counter.paths["0%,100%,0%"] == diff.positions.count)
        #expect(counter.images == 2)
    }

    @Test func pdfPageHasTheLayoutSize() throws {
        let maze = Fixtures.generator.generate(seed: 0)
        let field = syntheticField(maze)
        let figure = Figure(panels: [FigurePanel(maze: maze, layers: [.netArrows(field, color: .white)], label: "Original"),
                                     FigurePanel(maze: maze, layers: [.pathArrows(field.mostProbablePath(), color: .white)])],
                            panelSize: 300, title: "Seed 0", caption: "caption")
        let renderer = FigureRenderer(sprites: try Fixtures.sprites())
        let layout = renderer.layout(of: figure)
        let pdf = try renderer.render(figure, format: .pdf).finish()
        let text = String(decoding: pdf, as: UTF8.self)
        #expect(text.hasPrefix("%PDF-"))
        let box = try #require(text.range(of: "/MediaBox [ 0 0 "))
        let numbers = text[box.upperBound...].prefix { $0 != "]" }.split(separator: " ").compactMap { Double($0) }
        #expect(numbers == [layout.width, layout.height])
        #expect(layout.frames.count == 2 && layout.frames[0].width == 300)
    }
}
