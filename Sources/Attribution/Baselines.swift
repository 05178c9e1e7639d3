import Foundation
import Tensors

/// Baseline observations for integrated gradients that need no maze: black and blurred. (The same maze
/// without its cheese, and the mean over levels, are rendered by whoever knows the maze.)
public enum Baselines {
    /// The blur baseline's default standard deviation, in observation pixels (a maze square is 64/25 ≈ 2.6 px
    /// in the largest mazes, so walls, the mouse and the cheese blur away while the colours stay).
    public static let defaultBlurSigma: Float = 3

    /// All zeros, `[1, 3, 64, 64]`.
    public static var black: Tensor { Tensor(zeros: [1, 3, 64, 64]) }

    /// Each channel of `observation` (`[1, 3, H, W]` or `[3, H, W]`) convolved with a normalised Gaussian of
    /// standard deviation `sigma` pixels (truncated at 3σ), separably, with edge pixels repeated beyond the
    /// border. - Returns: `[1, 3, H, W]`.
    public static func blurred(_ observation: Tensor, sigma: Float = defaultBlurSigma) -> Tensor {
        let (height, width) = (observation.shape[observation.rank - 2], observation.shape[observation.rank - 1])
        let radius = max(1, Int((3 * sigma).rounded(.up)))
        var kernel = (-radius...radius).map { expf(-Float($0 * $0) / (2 * sigma * sigma)) }
        let norm = kernel.reduce(0, +)
        kernel = kernel.map { $0 / norm }
        var result = Tensor(zeros: [1, 3, height, width])
        var rows = [Float](repeating: 0, count: height * width)
        for c in 0..<3 {
            let plane = c * height * width
            for y in 0..<height {
                for x in 0..<width {
                    var sum: Float = 0
                    for k in -radius...radius {
                        sum += kernel[k + radius] * observation.scalars[plane + y * width + min(width - 1, max(0, x + k))]
                    }
                    rows[y * width + x] = sum
                }
            }
            for y in 0..<height {
                for x in 0..<width {
                    var sum: Float = 0
                    for k in -radius...radius { sum += kernel[k + radius] * rows[min(height - 1, max(0, y + k)) * width + x] }
                    result.scalars[plane + y * width + x] = sum
                }
            }
        }
        return result
    }

    /// The element-wise mean of observations `[N, 3, 64, 64]` (N ≥ 1). - Returns: `[1, 3, 64, 64]`.
    public static func mean(of observations: Tensor) -> Tensor {
        let count = observations.shape[0], per = observations.count / max(1, count)
        var sum = [Double](repeating: 0, count: per)
        for n in 0..<count {
            for i in 0..<per { sum[i] += Double(observations.scalars[n * per + i]) }
        }
        return Tensor(shape: [1] + Array(observations.shape.dropFirst()), scalars: sum.map { Float($0 / Double(max(1, count))) })
    }
}
