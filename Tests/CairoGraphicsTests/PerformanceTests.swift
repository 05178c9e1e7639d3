import CairoGraphics
import Foundation
import Testing

@Suite("Performance")
struct PerformanceTests {
    /// A vector-field panel: 512x512, 300 arrows of varying direction and length, then PNG encoding.
    /// Prints the median of 5 runs; asserts only a loose bound (the machine may be busy).
    @Test func panelWith300ArrowsDrawsAndEncodesQuickly() throws {
        var drawTimes: [Double] = [], encodeTimes: [Double] = []
        var bytes = 0
        for _ in 0..<5 {
            let start = ContinuousClock.now
            let canvas = try Canvas(width: 512, height: 512)
            canvas.paint(Color(hex: 0x303030))
            let style = ArrowStyle(shaftWidth: 2, headWidth: 7, headLength: 7)
            for i in 0..<300 {
                let cx = 10 + Double(i % 20) * 25, cy = 10 + Double(i / 20) * 33
                let angle = Double(i) * 0.37, length = 4 + Double(i % 7) * 3
                canvas.fillArrow(from: Point(x: cx, y: cy),
                                 to: Point(x: cx + cos(angle) * length, y: cy + sin(angle) * length),
                                 style: style, color: .white)
            }
            canvas.font = Font(size: 16)
            canvas.drawText("seed 0", at: Point(x: 256, y: 500), color: .white, alignment: .center)
            try canvas.checkStatus()
            let drawn = ContinuousClock.now
            bytes = try canvas.pngBytes().count
            let encoded = ContinuousClock.now
            drawTimes.append((drawn - start) / .milliseconds(1))
            encodeTimes.append((encoded - drawn) / .milliseconds(1))
        }
        let draw = drawTimes.sorted()[2], encode = encodeTimes.sorted()[2]
        print("512x512 panel, 300 arrows: draw \(String(format: "%.2f", draw)) ms, "
              + "PNG encode \(String(format: "%.2f", encode)) ms (\(bytes) bytes), median of 5")
        #expect(draw + encode < 500)
    }
}
