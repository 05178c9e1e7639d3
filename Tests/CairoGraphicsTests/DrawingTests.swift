import CairoGraphics
import Testing

@Suite("Drawing on image canvases")
struct DrawingTests {
    @Test func filledRectangleGivesExactPixelsInsideAndNoneOutside() throws {
        let canvas = try Canvas(width: 64, height: 48)
        canvas.fill(Rect(x: 10, y: 8, width: 20, height: 16), .red)
        #expect(try canvas.pixel(20, 16) == RGBA(r: 255, g: 0, b: 0, a: 255))
        #expect(try canvas.pixel(10, 8) == RGBA(r: 255, g: 0, b: 0, a: 255))
        #expect(try canvas.pixel(29, 23) == RGBA(r: 255, g: 0, b: 0, a: 255))
        for (x, y) in [(9, 16), (30, 16), (20, 7), (20, 24), (0, 0), (63, 47)] {
            #expect(try canvas.pixel(x, y) == RGBA(r: 0, g: 0, b: 0, a: 0), "pixel (\(x), \(y))")
        }
    }

    @Test func pixelBytesAreBGRAOnLittleEndian() throws {
        let canvas = try Canvas(width: 2, height: 1)
        canvas.paint(Color(hex: 0x102030))
        let bytes = try canvas.withUnsafePixels { pixels, _, _, _ in Array(pixels.prefix(4)) }
        #expect(bytes == [0x30, 0x20, 0x10, 0xFF])
    }

    @Test func translucentColourIsPremultipliedInThePixels() throws {
        let canvas = try Canvas(width: 4, height: 4)
        canvas.paint(Color.white.withAlpha(0.5))
        let p = try canvas.pixel(1, 1)
        #expect(p.a == 128 && p.r == 128 && p.g == 128 && p.b == 128)
    }

    @Test func transformsMoveAndScaleShapes() throws {
        let canvas = try Canvas(width: 40, height: 40)
        canvas.paint(.white)
        canvas.withSavedState {
            canvas.translate(x: 20, y: 20)
            canvas.scale(2)
            canvas.fill(Rect(x: 0, y: 0, width: 5, height: 5), .blue)
        }
        canvas.fill(Rect(x: 0, y: 0, width: 5, height: 5), .lime)
        #expect(try canvas.pixel(29, 29) == RGBA(r: 0, g: 0, b: 255, a: 255))
        #expect(try canvas.pixel(31, 31) == RGBA(r: 255, g: 255, b: 255, a: 255))
        #expect(try canvas.pixel(2, 2) == RGBA(r: 0, g: 255, b: 0, a: 255))
    }

    @Test func rotationTurnsPlusXTowardsPlusY() throws {
        let canvas = try Canvas(width: 40, height: 40)
        canvas.translate(x: 20, y: 20)
        canvas.rotate(radians: .pi / 2)
        canvas.fill(Rect(x: 5, y: -2, width: 10, height: 4), .red)
        #expect(try canvas.pixel(20, 30).r == 255)
        #expect(try canvas.pixel(30, 20).a == 0)
    }

    @Test func clippingLimitsPaint() throws {
        let canvas = try Canvas(width: 20, height: 20)
        canvas.addRectangle(Rect(x: 0, y: 0, width: 10, height: 20))
        canvas.clip()
        canvas.paint(.yellow)
        #expect(try canvas.pixel(5, 5) == RGBA(r: 255, g: 255, b: 0, a: 255))
        #expect(try canvas.pixel(15, 5).a == 0)
        canvas.resetClip()
        canvas.paint(.black)
        #expect(try canvas.pixel(15, 5) == RGBA(r: 0, g: 0, b: 0, a: 255))
    }

    @Test func strokeWithWidthCapsAndDashes() throws {
        let canvas = try Canvas(width: 40, height: 20)
        canvas.antialias = false
        canvas.lineCap = .butt
        canvas.setDash([10, 10])
        canvas.move(to: Point(x: 0, y: 10))
        canvas.line(to: Point(x: 40, y: 10))
        canvas.stroke(.red, lineWidth: 4)
        #expect(canvas.lineWidth == 4 && canvas.lineCap == .butt)
        #expect(try canvas.pixel(5, 10).r == 255)
        #expect(try canvas.pixel(5, 9).r == 255)
        #expect(try canvas.pixel(15, 10).a == 0)   // a gap in the dash pattern
        #expect(try canvas.pixel(5, 13).a == 0)    // outside the 4-px line
    }

    @Test func circleFromArcs() throws {
        let canvas = try Canvas(width: 30, height: 30)
        canvas.addCircle(center: Point(x: 15, y: 15), radius: 10)
        canvas.fill(.lime)
        #expect(try canvas.pixel(15, 15).g == 255)
        #expect(try canvas.pixel(15, 7).g == 255)
        #expect(try canvas.pixel(2, 2).a == 0)
    }

    @Test func pixelImageIsScaledWithTheChosenFilter() throws {
        // 2x1 RGBA: red | blue, drawn into 20x10.
        let image = try PixelImage(width: 2, height: 1, layout: .rgba, pixels: [255, 0, 0, 255, 0, 0, 255, 255])
        let nearest = try Canvas(width: 20, height: 10)
        nearest.drawImage(image, in: Rect(x: 0, y: 0, width: 20, height: 10), filter: .nearest)
        #expect(try nearest.pixel(9, 5) == RGBA(r: 255, g: 0, b: 0, a: 255))
        #expect(try nearest.pixel(10, 5) == RGBA(r: 0, g: 0, b: 255, a: 255))
        #expect(try nearest.pixel(0, 0) == RGBA(r: 255, g: 0, b: 0, a: 255))  // padded edge stays opaque

        let smooth = try Canvas(width: 20, height: 10)
        smooth.drawImage(image, in: Rect(x: 0, y: 0, width: 20, height: 10), filter: .bilinear)
        let middle = try smooth.pixel(10, 5)
        #expect(middle.r > 60 && middle.b > 60 && middle.a == 255)
    }

    @Test func bgraAndRGBPixelBuffersMatchRGBA() throws {
        let canvas = try Canvas(width: 3, height: 1)
        try canvas.drawPixels([0x30, 0x20, 0x10, 0xFF], width: 1, height: 1, layout: .bgra,
                              in: Rect(x: 0, y: 0, width: 1, height: 1), filter: .nearest)
        try canvas.drawPixels([0x10, 0x20, 0x30], width: 1, height: 1, layout: .rgb,
                              in: Rect(x: 1, y: 0, width: 1, height: 1), filter: .nearest)
        try canvas.drawPixels([0x10, 0x20, 0x30, 0xFF], width: 1, height: 1, layout: .rgba,
                              in: Rect(x: 2, y: 0, width: 1, height: 1), filter: .nearest)
        let expected = RGBA(r: 0x10, g: 0x20, b: 0x30, a: 0xFF)
        #expect(try canvas.pixel(0, 0) == expected)
        #expect(try canvas.pixel(1, 0) == expected)
        #expect(try canvas.pixel(2, 0) == expected)
    }

    @Test func arrowCoversItsShaftAndHeadOnly() throws {
        let canvas = try Canvas(width: 100, height: 40)
        let style = ArrowStyle(shaftWidth: 4, headWidth: 16, headLength: 20)
        #expect(canvas.fillArrow(from: Point(x: 10, y: 20), to: Point(x: 90, y: 20), style: style, color: .white))
        #expect(try canvas.pixel(40, 20) == RGBA(r: 255, g: 255, b: 255, a: 255))  // shaft
        #expect(try canvas.pixel(40, 25).a == 0)                                    // beside the shaft
        #expect(try canvas.pixel(71, 25).a == 255)                                   // wide head base
        #expect(try canvas.pixel(95, 20).a == 0)                                     // beyond the tip
        #expect(!canvas.fillArrow(from: Point(x: 5, y: 5), to: Point(x: 5, y: 5), style: style, color: .white))
    }

    @Test func restoreWithoutSaveIsAnErrorNamingCairoRestore() throws {
        let canvas = try Canvas(width: 8, height: 8)
        canvas.restore()
        canvas.fill(Rect(x: 0, y: 0, width: 4, height: 4), .red)
        #expect(throws: CairoError(function: "cairo_restore", status: .invalidRestore)) {
            try canvas.pngBytes()
        }
    }

    @Test func invalidSizesAndDashesAreCairoErrors() throws {
        #expect(throws: CairoError(function: "cairo_image_surface_create", status: .invalidSize)) {
            try Canvas(width: 0, height: 10)
        }
        let canvas = try Canvas(width: 8, height: 8)
        canvas.setDash([-1, 2])
        #expect(throws: CairoError(function: "cairo_set_dash", status: .invalidDash)) { try canvas.checkStatus() }
    }

    @Test(arguments: [
        ("#FF0000", Color.red), ("00ff00", .lime), ("#ff0", .yellow), ("#FFFFFF80", Color.white.withAlpha(128.0 / 255)),
    ])
    func hexColours(text: String, expected: Color) {
        #expect(Color(hex: text) == expected)
    }

    @Test func badHexIsNil() {
        #expect(Color(hex: "#12345") == nil)
        #expect(Color(hex: "zz0000") == nil)
        #expect(Color(hex: 0x000000) == .black)
    }
}

@Suite("Pixel images")
struct PixelImageTests {
    @Test func copyOfACanvasKeepsItsPixelsWhenTheCanvasChanges() throws {
        let canvas = try Canvas(width: 6, height: 4)
        canvas.fill(Rect(x: 0, y: 0, width: 3, height: 4), .red)
        let copy = try PixelImage(copying: canvas)
        #expect(copy.width == 6 && copy.height == 4)
        canvas.paint(.blue)
        let target = try Canvas(width: 6, height: 4)
        target.drawImage(copy, in: Rect(x: 0, y: 0, width: 6, height: 4), filter: .nearest)
        #expect(try target.pixel(1, 1) == RGBA(r: 255, g: 0, b: 0, a: 255))
        #expect(try target.pixel(4, 1).a == 0)
        #expect(throws: CairoError.self) { try PixelImage(copying: Canvas(format: .svg, width: 4, height: 4)) }
    }

    @Test func straightAlphaIsPremultiplied() throws {
        let image = try PixelImage(width: 1, height: 1, layout: .rgba, pixels: [255, 100, 0, 128])
        let canvas = try Canvas(width: 1, height: 1)
        canvas.drawImage(image, in: Rect(x: 0, y: 0, width: 1, height: 1), filter: .nearest)
        #expect(try canvas.pixel(0, 0) == RGBA(r: 128, g: 50, b: 0, a: 128))
    }
}
