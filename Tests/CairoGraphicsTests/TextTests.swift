import CairoGraphics
import Testing

@Suite("Text")
struct TextTests {
    @Test func extentsArePositiveAndGrowWithFontSize() throws {
        let canvas = try Canvas(width: 200, height: 100)
        var previous: TextExtents?
        for size in [8.0, 12, 24, 48] {
            canvas.font = Font(size: size)
            let extents = canvas.textExtents("Patched vfield")
            #expect(extents.width > 0 && extents.height > 0 && extents.xAdvance > 0)
            #expect(extents.yBearing < 0)
            if let previous {
                #expect(extents.width > previous.width && extents.height > previous.height)
            }
            previous = extents
        }
        let metrics = canvas.fontMetrics()
        #expect(metrics.ascent > 0 && metrics.descent > 0 && metrics.lineHeight >= metrics.ascent)
    }

    @Test func boldIsWiderAndFontIsPartOfSavedState() throws {
        let canvas = try Canvas(width: 10, height: 10)
        canvas.font = Font(size: 20)
        let regular = canvas.textExtents("Original").width
        canvas.save()
        canvas.font = Font(size: 20, weight: .bold)
        let bold = canvas.textExtents("Original").width
        canvas.restore()
        #expect(bold > regular)
        #expect(canvas.font == Font(size: 20))
        #expect(canvas.textExtents("Original").width == regular)
    }

    @Test(arguments: [TextAlignment.left, .center, .right])
    func alignmentPlacesInkAroundTheAnchor(alignment: TextAlignment) throws {
        let canvas = try Canvas(width: 300, height: 100)
        canvas.font = Font(size: 30)
        let anchor = Point(x: 150, y: 50)
        canvas.drawText("MMM", at: anchor, color: .black, alignment: alignment, baseline: .middle)
        let ink = canvas.textExtents("MMM")
        let origin = canvas.textOrigin("MMM", at: anchor, alignment: alignment, baseline: .middle)
        let left = origin.x + ink.xBearing, right = left + ink.width
        switch alignment {
        case .left: #expect(abs(origin.x - anchor.x) < 1e-9)
        case .center: #expect(abs((left + right) / 2 - anchor.x) < 1e-9)
        case .right: #expect(abs(right - anchor.x) < 1e-9)
        }
        // Ink is drawn where the extents say: some inside the box, none a few pixels beside it.
        let top = Int(origin.y + ink.yBearing), bottom = Int(origin.y + ink.yBearing + ink.height)
        var inside = 0
        for y in top...bottom {
            for x in Int(left)...Int(right) where try canvas.pixel(x, y).a > 0 { inside += 1 }
            #expect(try canvas.pixel(Int(left) - 3, y).a == 0)
            #expect(try canvas.pixel(Int(right) + 3, y).a == 0)
        }
        #expect(inside > 100)
        // "middle": the capital letters straddle the anchor's y.
        #expect(origin.y + ink.yBearing < anchor.y && origin.y > anchor.y)
    }
}
