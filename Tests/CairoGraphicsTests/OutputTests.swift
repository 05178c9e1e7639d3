import CairoGraphics
import OutputFiles
import Foundation
import Testing

@Suite("PNG, SVG and PDF output")
struct OutputTests {
    private func drawArrows(on canvas: Canvas, count: Int) {
        canvas.paint(.black)
        let style = ArrowStyle(shaftWidth: 2)
        for i in 0..<count {
            let y = 10 + Double(i) * 12
            canvas.fillArrow(from: Point(x: 10, y: y), to: Point(x: 80, y: y), style: style, color: .lime)
        }
    }

    @Test func pngBytesHaveTheSignatureAndTheCanvasSize() throws {
        let canvas = try Canvas(width: 123, height: 45)
        drawArrows(on: canvas, count: 3)
        let bytes = try canvas.pngBytes()
        #expect(bytes.starts(with: pngSignature))
        let size = try #require(pngSize(bytes))
        #expect(size.width == 123 && size.height == 45)
    }

    @Test func writePNGPutsTheFileInPlaceAndNothingElse() throws {
        let dir = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("panel.png").path
        let canvas = try Canvas(format: .png, width: 31.2, height: 20)
        drawArrows(on: canvas, count: 1)
        try canvas.writePNG(to: path)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(bytes == (try canvas.pngBytes()))
        let size = try #require(pngSize(bytes))
        #expect(size.width == 32 && size.height == 20)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["panel.png"])
    }

    @Test func svgIsValidXMLWithOnePathPerArrowAndPixelSize() throws {
        let canvas = try Canvas(format: .svg, width: 512, height: 384)
        drawArrows(on: canvas, count: 7)
        let svg = try #require(SVGSummary.parse(try canvas.finish()))
        #expect(svg.counts["svg"] == 1)
        #expect(svg.rootAttributes?["width"] == "512px")
        #expect(svg.rootAttributes?["height"] == "384px")
        // The background is a `rect`; each filled arrow is one `path`.
        #expect(svg.pathsOutsideDefs == 7)
    }

    @Test func svgTextStaysVector() throws {
        let canvas = try Canvas(format: .svg, width: 200, height: 50)
        canvas.font = Font(size: 20)
        canvas.drawText("Original", at: Point(x: 100, y: 25), color: .black, alignment: .center, baseline: .middle)
        let svg = try #require(SVGSummary.parse(try canvas.finish()))
        #expect(svg.counts["image", default: 0] == 0)
        #expect(svg.counts["use", default: 0] == 8)   // one glyph reference per letter
    }

    @Test func pdfMediaBoxIsThePageSizeInPoints() throws {
        let canvas = try Canvas(format: .pdf, width: 595, height: 842)
        drawArrows(on: canvas, count: 5)
        let bytes = try canvas.finish()
        #expect(bytes.starts(with: Array("%PDF-".utf8)))
        let text = String(decoding: bytes, as: UTF8.self)
        let match = try #require(text.firstMatch(of: /\/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]/))
        #expect(Double(match.output.1) == 0 && Double(match.output.2) == 0)
        #expect(Double(match.output.3) == 595 && Double(match.output.4) == 842)
        #expect(text.contains("%%EOF"))
    }

    @Test(arguments: OutputFormat.allCases)
    func sameDrawingGivesIdenticalBytes(format: OutputFormat) throws {
        func render() throws -> [UInt8] {
            let canvas = try Canvas(format: format, width: 100, height: 80)
            drawArrows(on: canvas, count: 4)
            canvas.drawText("TV 0.12", at: Point(x: 50, y: 70), color: .white, alignment: .center)
            return try canvas.finish()
        }
        #expect(try render() == render())
    }

    @Test(arguments: OutputFormat.allCases)
    func writeChoosesTheFileByExtension(format: OutputFormat) throws {
        let dir = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("figure.\(format.rawValue.uppercased())").path
        #expect(try OutputFormat.forWriting(to: path) == format)
        let canvas = try Canvas(format: format, width: 64, height: 64)
        drawArrows(on: canvas, count: 2)
        try canvas.write(to: path)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(bytes == (try canvas.finish()))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).count == 1)
    }

    @Test func missingDirectoryIsAnIOErrorAndLeavesNothing() throws {
        let dir = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("absent/panel.png").path
        let canvas = try Canvas(width: 8, height: 8)
        let error = try #require(throws: OutputFileError.self) { try canvas.writePNG(to: path) }
        #expect(error.path == path && error.code == ENOENT)
        #expect(error.description.contains(path))
        #expect(throws: OutputFileError.self) { try OutputFormat.forWriting(to: path) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func failedRenameRemovesTheTemporaryFile() throws {
        // The requested name is an existing directory: refused before anything is written.
        let dir = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let blocker = dir.appendingPathComponent("panel.svg")
        try FileManager.default.createDirectory(at: blocker, withIntermediateDirectories: false)
        let canvas = try Canvas(format: .svg, width: 10, height: 10)
        let error = try #require(throws: OutputFileError.self) { try canvas.write(to: blocker.path) }
        #expect(error.code == EISDIR)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["panel.svg"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: blocker.path).isEmpty)
    }

    @Test func unknownExtensionIsNamed() throws {
        #expect(throws: OutputFormatError.unsupportedExtension(".jpg", path: "out/figure.jpg")) {
            try OutputFormat(path: "out/figure.jpg")
        }
        let error = try #require(throws: OutputFormatError.self) { try OutputFormat(path: "figure") }
        #expect(error == .unsupportedExtension("", path: "figure"))
        #expect(error.description.contains("no extension"))
        #expect(throws: OutputFormatError.self) { try OutputFormat(path: "dir.png/figure") }
        #expect(try OutputFormat(path: "a.b/Figure.Pdf") == .pdf)
    }

    @Test func imageOnlyCallsFailOnVectorCanvases() throws {
        let canvas = try Canvas(format: .pdf, width: 10, height: 10)
        #expect(throws: CairoError(function: "cairo_surface_write_to_png_stream", status: .surfaceTypeMismatch)) {
            try canvas.pngBytes()
        }
        #expect(throws: OutputFormatError.formatMismatch(canvas: .pdf, path: "x.svg")) {
            try canvas.write(to: "x.svg")
        }
    }

    @Test func drawingAfterFinishIsAnError() throws {
        let canvas = try Canvas(format: .svg, width: 10, height: 10)
        let first = try canvas.finish()
        #expect(try canvas.finish() == first)
        canvas.fill(Rect(x: 0, y: 0, width: 5, height: 5), .red)
        let error = try #require(throws: CairoError.self) { try canvas.checkStatus() }
        #expect(error.status == .surfaceFinished)
    }
}

@Suite("SVG identifiers")
struct SVGIdentifierTests {
    @Test func imagesAndSurfacesAreNumberedFromOneWhateverWasDrawnBefore() throws {
        let image = try PixelImage(width: 2, height: 2, layout: .rgb, pixels: [UInt8](repeating: 200, count: 12))
        func render() throws -> String {
            let canvas = try Canvas(format: .svg, width: 40, height: 40)
            canvas.drawImage(image, in: Rect(x: 0, y: 0, width: 20, height: 20), filter: .nearest, alpha: 0.5)
            canvas.drawImage(image, in: Rect(x: 20, y: 20, width: 20, height: 20))
            return String(decoding: try canvas.finish(), as: UTF8.self)
        }
        let first = try render(), second = try render()
        #expect(first == second)
        #expect(first.contains("id=\"surface1\"") && first.contains("id=\"image1\""))
        #expect(first.contains("xlink:href=\"#image1\""))
        let svg = try #require(SVGSummary.parse(Array(first.utf8)))
        #expect(svg.counts["image", default: 0] >= 1)
    }
}

@Suite("Images in vector output")
struct VectorImageTests {
    @Test func nearestFilteredImagesAreEmbeddedAtTheirOwnSizeAndMarkedPixelatedInSVG() throws {
        let image = try PixelImage(width: 4, height: 2, layout: .rgb, pixels: [UInt8](repeating: 90, count: 24))
        let smooth = try PixelImage(width: 3, height: 3, layout: .rgb, pixels: [UInt8](repeating: 200, count: 27))
        let canvas = try Canvas(format: .svg, width: 64, height: 64)
        canvas.drawImage(image, in: Rect(x: 0, y: 0, width: 64, height: 32), filter: .nearest)
        canvas.drawImage(image, in: Rect(x: 0, y: 32, width: 32, height: 16), filter: .nearest)   // same <image>
        canvas.drawImage(smooth, in: Rect(x: 32, y: 32, width: 30, height: 30), filter: .good)
        let text = String(decoding: try canvas.finish(), as: UTF8.self)
        // Cairo 1.16 writes no filter into SVG; the canvas adds the hint to the nearest image only.
        #expect(text.contains(#"<image style="image-rendering:pixelated" image-rendering="optimizeSpeed" id="image1" width="4" height="2""#))
        #expect(text.contains(#"<image id="image2" width="3" height="3""#))
        #expect(text.components(separatedBy: "<image ").count - 1 == 2)
        #expect(text.components(separatedBy: "image-rendering:pixelated").count - 1 == 1)
    }

    @Test func nearestFilteredImagesAreNotInterpolatedInPDF() throws {
        let image = try PixelImage(width: 4, height: 2, layout: .rgb, pixels: [UInt8](repeating: 90, count: 24))
        let canvas = try Canvas(format: .pdf, width: 64, height: 32)
        canvas.drawImage(image, in: Rect(x: 0, y: 0, width: 64, height: 32), filter: .nearest)
        let text = String(decoding: try canvas.finish(), as: UTF8.self)
        #expect(text.contains("/Width 4") && text.contains("/Height 2"))
        #expect(text.contains("/Interpolate false") && !text.contains("/Interpolate true"))
    }
}
