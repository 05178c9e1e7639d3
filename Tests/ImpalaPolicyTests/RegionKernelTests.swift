import Foundation
import Tensors
import Testing

/// The incremental pass's kernels against direct definitions and the ordinary kernels.
@Suite struct RegionKernelTests {
    static func random(_ shape: [Int], seed: UInt64, bound: Float = 1) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return generator.uniformTensor(shape: shape, bound: bound)
    }

    /// Windows `[C, N, h+2, w+2]` for the valid kernels, and the direct valid convolution in Double.
    static func directValid(_ windows: Tensor, _ weight: Tensor, _ bias: Tensor, h: Int, w: Int) -> [Double] {
        let (c, n, o) = (windows.shape[0], windows.shape[1], weight.shape[0])
        var out = [Double](repeating: 0, count: o * n * h * w)
        for oc in 0..<o {
            for b in 0..<n {
                for y in 0..<h {
                    for x in 0..<w {
                        var sum = Double(bias.scalars[oc])
                        for ic in 0..<c {
                            for ky in 0..<3 {
                                for kx in 0..<3 {
                                    sum += Double(weight[oc, ic, ky, kx]) * Double(windows[ic, b, y + ky, x + kx])
                                }
                            }
                        }
                        out[((oc * n + b) * h + y) * w + x] = sum
                    }
                }
            }
        }
        return out
    }

    /// Winograd F(2x2, 3x3) and im2col agree with the definition; the Winograd error is printed relative to
    /// the largest output (it is what the incremental pass adds at each convolution).
    @Test(arguments: [(3, 2, 4, 6, 5), (16, 3, 2, 2, 16), (64, 2, 8, 8, 64), (128, 1, 8, 8, 128)])
    func validConvolutionsMatchTheDefinition(sizes: (Int, Int, Int, Int, Int)) {
        let (c, n, h, w, o) = sizes
        let windows = Self.random([c, n, h + 2, w + 2], seed: 1)
        let bound = 1 / Float(9 * c).squareRoot()
        let weight = Self.random([o, c, 3, 3], seed: 2, bound: bound), bias = Self.random([o], seed: 3, bound: bound)
        let expected = Self.directValid(windows, weight, bias, h: h, w: w)
        let scale = expected.map(abs).max()!
        let transformed = Winograd.transformWeights(weight)
        var direct = [Float](repeating: 0, count: o * n * h * w), fast = direct
        var columns = [Float](repeating: 0, count: c * 9 * n * h * w)
        var scratch = [Float](repeating: 0, count: Winograd.scratchCount(channels: c, outChannels: o, count: n, height: h, width: w))
        windows.withUnsafeBufferPointer { win in
            weight.withUnsafeBufferPointer { wt in
                bias.withUnsafeBufferPointer { b in
                    RegionKernels.validConvolution3x3(windows: win.baseAddress!, channels: c, count: n, height: h, width: w,
                                                      weight: wt.baseAddress!, bias: b.baseAddress!, outChannels: o,
                                                      columns: &columns, into: &direct)
                    transformed.withUnsafeBufferPointer { u in
                        Winograd.validConvolution3x3(windows: win.baseAddress!, channels: c, count: n, height: h, width: w,
                                                     transformedWeight: u.baseAddress!, bias: b.baseAddress!, outChannels: o,
                                                     scratch: &scratch, into: &fast)
                    }
                }
            }
        }
        let directError = zip(direct, expected).map { abs(Double($0) - $1) }.max()!
        let winogradError = zip(fast, expected).map { abs(Double($0) - $1) }.max()!
        print("valid conv C=\(c) O=\(o) \(h)x\(w): im2col error \(directError), Winograd error \(winogradError) "
            + "(relative \(winogradError / scale))")
        #expect(directError <= 1e-5 * max(1, scale))
        #expect(winogradError <= 1e-5 * max(1, scale))
    }

    /// Gathered windows with `-inf` outside the map, pooled, give `MaxPool2d(3, 2, 1)` of the full map; a crop
    /// pasted over the base is read in place of the base.
    @Test(arguments: [8, 16, 7])
    func gatherAndPoolMatchTheOrdinaryKernels(side: Int) {
        let (channels, count) = (3, 2)
        let base = Self.random([1, channels, side, side], seed: 4)
        // Observation maps: the base with a crop of new values at a different place per observation.
        let crops = Self.random([channels, count, 3, 2], seed: 5)
        let origins = [RegionKernels.Origin(y: 0, x: side - 2), RegionKernels.Origin(y: side - 3, x: 1)]
        var maps = [Float](repeating: 0, count: count * channels * side * side)
        for k in 0..<count { for i in 0..<(channels * side * side) { maps[k * channels * side * side + i] = base.scalars[i] } }
        crops.withUnsafeBufferPointer { src in
            RegionKernels.paste(crops: src.baseAddress!, cropOrigins: origins, cropHeight: 3, cropWidth: 2,
                                channels: channels, side: side, into: &maps)
        }
        let expected = Elementwise.maxPool3x3Stride2(Tensor(shape: [count, channels, side, side], scalars: maps))
        let out = (side - 1) / 2 + 1
        let windowSide = 2 * out + 1
        var windows = [Float](repeating: 0, count: channels * count * windowSide * windowSide)
        crops.withUnsafeBufferPointer { src in
            base.withUnsafeBufferPointer { b in
                RegionKernels.gather(crops: src.baseAddress!, cropOrigins: origins, cropHeight: 3, cropWidth: 2,
                                     base: b.baseAddress!, side: side, channels: channels,
                                     windows: [RegionKernels.Origin](repeating: .init(y: -1, x: -1), count: count),
                                     windowHeight: windowSide, windowWidth: windowSide, fill: -.infinity, into: &windows)
            }
        }
        var pooled = [Float](repeating: 0, count: channels * count * out * out)
        RegionKernels.validMaxPool3x3Stride2(windows: windows, planes: channels * count, height: out, width: out, into: &pooled)
        for k in 0..<count {
            for c in 0..<channels {
                for y in 0..<out {
                    for x in 0..<out { #expect(pooled[((c * count + k) * out + y) * out + x] == expected[k, c, y, x]) }
                }
            }
        }
    }
}
