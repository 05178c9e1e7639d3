import Foundation
import Tensors
import Testing

/// The kernels against direct definitions, on odd sizes the network never uses.
@Suite struct KernelTests {
    static func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return generator.uniformTensor(shape: shape, bound: 1)
    }

    @Test(arguments: [[1, 3, 5, 7], [3, 4, 6, 1], [2, 2, 1, 9], [5, 1, 8, 8]])
    func convolutionMatchesTheDefinition(shape: [Int]) {
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let input = Self.random(shape, seed: 1), weight = Self.random([4, c, 3, 3], seed: 2), bias = Self.random([4], seed: 3)
        for parallel in [true, false] {
            let output = Convolution.conv3x3(input, weight: weight, bias: bias, parallel: parallel)
            #expect(output.shape == [n, 4, h, w])
            for b in 0..<n {
                for o in 0..<4 {
                    for y in 0..<h {
                        for x in 0..<w {
                            var sum = Double(bias[o])
                            for i in 0..<c {
                                for ky in 0..<3 {
                                    for kx in 0..<3 {
                                        let sy = y + ky - 1, sx = x + kx - 1
                                        guard sy >= 0, sy < h, sx >= 0, sx < w else { continue }
                                        sum += Double(weight[o, i, ky, kx]) * Double(input[b, i, sy, sx])
                                    }
                                }
                            }
                            #expect(abs(Double(output[b, o, y, x]) - sum) < 1e-5)
                        }
                    }
                }
            }
        }
    }

    @Test(arguments: [[1, 1, 1, 1], [2, 3, 5, 7], [1, 2, 4, 2], [3, 1, 2, 3]])
    func maxPoolMatchesTheDefinition(shape: [Int]) {
        let input = Self.random(shape, seed: 4)
        let (h, w) = (shape[2], shape[3])
        let output = Elementwise.maxPool3x3Stride2(input)
        #expect(output.shape == [shape[0], shape[1], (h - 1) / 2 + 1, (w - 1) / 2 + 1])
        for b in 0..<shape[0] {
            for c in 0..<shape[1] {
                for oy in 0..<output.shape[2] {
                    for ox in 0..<output.shape[3] {
                        var best = -Float.infinity
                        for y in (2 * oy - 1)...(2 * oy + 1) where y >= 0 && y < h {
                            for x in (2 * ox - 1)...(2 * ox + 1) where x >= 0 && x < w { best = max(best, input[b, c, y, x]) }
                        }
                        #expect(output[b, c, oy, ox] == best)
                    }
                }
            }
        }
    }

    @Test(arguments: [1, 2, 5])
    func linearAndSoftmaxMatchTheDefinition(batch: Int) {
        let x = Self.random([batch, 7], seed: 5), weight = Self.random([3, 7], seed: 6), bias = Self.random([3], seed: 7)
        let y = Dense.linear(x, weight: weight, bias: bias)
        let logSoftmax = Dense.logSoftmax(y), softmax = Dense.softmax(y)
        for n in 0..<batch {
            var total = 0.0
            for o in 0..<3 {
                var sum = Double(bias[o])
                for i in 0..<7 { sum += Double(weight[o, i]) * Double(x[n, i]) }
                #expect(abs(Double(y[n, o]) - sum) < 1e-5)
                total += exp(Double(y[n, o]))
            }
            for o in 0..<3 {
                #expect(abs(Double(logSoftmax[n, o]) - (Double(y[n, o]) - log(total))) < 1e-5)
                #expect(abs(Double(softmax[n, o]) - exp(Double(y[n, o])) / total) < 1e-6)
            }
        }
    }
}
