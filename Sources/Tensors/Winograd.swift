/// Winograd's minimal filtering F(2x2, 3x3) (Lavin & Gray, "Fast Algorithms for Convolutional Neural
/// Networks", 2016): each 2x2 block of outputs from a 4x4 input tile with 16 multiplications instead of 36.
///
/// With `Bᵀ = [[1,0,-1,0],[0,1,1,0],[0,-1,1,0],[0,1,0,-1]]`, `G = [[1,0,0],[½,½,½],[½,-½,½],[0,0,1]]` and
/// `Aᵀ = [[1,1,1,0],[0,1,-1,-1]]`, the output tile is `Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A`; summed over input
/// channels, the element-wise products become 16 matrix products `[O, C]·[C, tiles]` (one per tile
/// element), which run in `cblas_sgemm`. The transforms only add and subtract (and halve, for the weights),
/// so the rounding error stays at the level of the direct sum (measured in the tests: ~1e-6 relative).
public enum Winograd {
    /// `G g Gᵀ` for every filter: `[O, C, 3, 3]` → `[16, O, C]` (tile element outermost, for the GEMMs).
    public static func transformWeights(_ weight: Tensor) -> Tensor {
        precondition(weight.rank == 4 && weight.shape[2] == 3 && weight.shape[3] == 3, "weights must be [O, C, 3, 3]")
        let (outChannels, channels) = (weight.shape[0], weight.shape[1])
        var out = Tensor(zeros: [16, outChannels, channels])
        let g: [[Double]] = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]]
        for o in 0..<outChannels {
            for c in 0..<channels {
                let base = (o * channels + c) * 9
                // t = G g (4x3), then u = t Gᵀ (4x4), in Double, rounded once.
                var t = [[Double]](repeating: [0, 0, 0], count: 4)
                for i in 0..<4 {
                    for j in 0..<3 {
                        var sum = 0.0
                        for k in 0..<3 { sum += g[i][k] * Double(weight.scalars[base + k * 3 + j]) }
                        t[i][j] = sum
                    }
                }
                for i in 0..<4 {
                    for j in 0..<4 {
                        var sum = 0.0
                        for k in 0..<3 { sum += t[i][k] * g[j][k] }
                        out.scalars[((i * 4 + j) * outChannels + o) * channels + c] = Float(sum)
                    }
                }
            }
        }
        return out
    }

    /// Floats of scratch `validConvolution3x3` needs.
    public static func scratchCount(channels: Int, outChannels: Int, count: Int, height: Int, width: Int) -> Int {
        16 * ((channels + outChannels) * count * (height / 2) * (width / 2) + 2 * planePadding)
    }

    /// Floats between the 16 planes of the transformed tiles beyond their size: the transforms touch all 16
    /// planes at once, and plane strides that are multiples of 4 KiB would map them onto the same cache sets.
    static let planePadding = 48

    /// "Valid" 3x3 convolution of windows `[C, N, h + 2, w + 2]` → `[O, N, h, w]` (CNHW), `h` and `w` even.
    ///
    /// - Parameters:
    ///   - windows: `[C, N, height + 2, width + 2]`.
    ///   - channels: input channels `C`.
    ///   - count: windows `N`.
    ///   - height: output rows `h` (even).
    ///   - width: output columns `w` (even).
    ///   - transformedWeight: `transformWeights(weight)`, `[16, O, C]`.
    ///   - bias: `[O]`.
    ///   - outChannels: output channels `O`.
    ///   - scratch: `scratchCount(...)` floats.
    ///   - out: room for `[O, N, height, width]` floats.
    ///
    /// Cost: `32·O·C·N·h·w/4` FLOP in 16 `cblas_sgemm` calls (2.25x fewer than the direct convolution) plus
    /// the transforms, `O(16·(C + O)·N·h·w/4)` additions; on the calling thread.
    public static func validConvolution3x3(windows: UnsafePointer<Float>, channels: Int, count: Int, height: Int, width: Int,
                                           transformedWeight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                                           outChannels: Int, scratch: UnsafeMutablePointer<Float>,
                                           into out: UnsafeMutablePointer<Float>) {
        precondition(height % 2 == 0 && width % 2 == 0, "Winograd F(2x2, 3x3) needs even output sizes")
        let tilesHigh = height / 2, tilesWide = width / 2
        let tilesPerImage = tilesHigh * tilesWide, tiles = count * tilesPerImage
        if tiles == 0 { return }
        let windowWidth = width + 2, windowSize = (height + 2) * windowWidth
        let elementStride = channels * tiles + planePadding // between tile elements of V
        let outStride = outChannels * tiles + planePadding // between tile elements of M
        let v = scratch, m = scratch + 16 * elementStride

        // V = Bᵀ d B for every (channel, image, tile): V[e][c][t].
        for c in 0..<channels {
            for n in 0..<count {
                let window = windows + (c * count + n) * windowSize
                let row = v + c * tiles + n * tilesPerImage
                for ty in 0..<tilesHigh {
                    let r0 = window + 2 * ty * windowWidth, r1 = r0 + windowWidth, r2 = r1 + windowWidth, r3 = r2 + windowWidth
                    let dst = row + ty * tilesWide
                    for tx in 0..<tilesWide {
                        let x = 2 * tx
                        // Bᵀ d: rows combined.
                        let a0 = r0[x] - r2[x], a1 = r0[x + 1] - r2[x + 1], a2 = r0[x + 2] - r2[x + 2], a3 = r0[x + 3] - r2[x + 3]
                        let b0 = r1[x] + r2[x], b1 = r1[x + 1] + r2[x + 1], b2 = r1[x + 2] + r2[x + 2], b3 = r1[x + 3] + r2[x + 3]
                        let c0 = r2[x] - r1[x], c1 = r2[x + 1] - r1[x + 1], c2 = r2[x + 2] - r1[x + 2], c3 = r2[x + 3] - r1[x + 3]
                        let d0 = r1[x] - r3[x], d1 = r1[x + 1] - r3[x + 1], d2 = r1[x + 2] - r3[x + 2], d3 = r1[x + 3] - r3[x + 3]
                        // (Bᵀ d) B: columns combined.
                        let p = dst + tx
                        p[0 * elementStride] = a0 - a2; p[1 * elementStride] = a1 + a2
                        p[2 * elementStride] = a2 - a1; p[3 * elementStride] = a1 - a3
                        p[4 * elementStride] = b0 - b2; p[5 * elementStride] = b1 + b2
                        p[6 * elementStride] = b2 - b1; p[7 * elementStride] = b1 - b3
                        p[8 * elementStride] = c0 - c2; p[9 * elementStride] = c1 + c2
                        p[10 * elementStride] = c2 - c1; p[11 * elementStride] = c1 - c3
                        p[12 * elementStride] = d0 - d2; p[13 * elementStride] = d1 + d2
                        p[14 * elementStride] = d2 - d1; p[15 * elementStride] = d1 - d3
                    }
                }
            }
        }
        // M[e] = U[e] · V[e]: [O, C]·[C, tiles].
        ComputeThreads.configureBLAS()
        let slice = Convolution.smallMatrixSlice(outChannels: outChannels, depth: channels, pixels: tiles)
        for e in 0..<16 {
            var t0 = 0
            while t0 < tiles {
                let n = min(slice, tiles - t0)
                matrixMultiply(m: outChannels, n: n, k: channels, a: transformedWeight + e * outChannels * channels, lda: channels,
                               b: v + e * elementStride + t0, ldb: tiles, transposeB: false,
                               c: m + e * outStride + t0, ldc: tiles, beta: 0)
                t0 += n
            }
        }
        // Y = Aᵀ M A + bias.
        for o in 0..<outChannels {
            let b = bias[o]
            for n in 0..<count {
                let src = m + o * tiles + n * tilesPerImage
                let dst = out + (o * count + n) * height * width
                for ty in 0..<tilesHigh {
                    for tx in 0..<tilesWide {
                        let q = src + ty * tilesWide + tx
                        @inline(__always) func e(_ i: Int) -> Float { q[i * outStride] }
                        // Aᵀ M: rows 0+1+2 and 1-2-3.
                        let s0 = e(0) + e(4) + e(8), s1 = e(1) + e(5) + e(9), s2 = e(2) + e(6) + e(10), s3 = e(3) + e(7) + e(11)
                        let t0 = e(4) - e(8) - e(12), t1 = e(5) - e(9) - e(13), t2 = e(6) - e(10) - e(14), t3 = e(7) - e(11) - e(15)
                        let y = dst + 2 * ty * width + 2 * tx
                        y[0] = s0 + s1 + s2 + b
                        y[1] = s1 - s2 - s3 + b
                        y[width] = t0 + t1 + t2 + b
                        y[width + 1] = t1 - t2 - t3 + b
                    }
                }
            }
        }
    }
}
