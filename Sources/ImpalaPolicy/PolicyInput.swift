import ModelFiles
import Tensors

/// Converting procgen observations to network input.
public enum PolicyInput {
    /// uint8 RGB observations in NHWC order (`[N, H, W, 3]`, as procgen returns them) to the network's
    /// float NCHW input `[N, 3, H, W]`, each value divided by 255 (a division, bit-identical to PyTorch's
    /// `obs / 255.0`; multiplying by `1/255` would be 1 ulp off for half of the byte values).
    /// - Throws: `ImpalaPolicyError.invalidObservations` when the byte count is not whole images.
    public static func tensor(fromNHWC bytes: [UInt8], height: Int = 64, width: Int = 64) throws -> Tensor {
        let image = height * width * 3
        guard image > 0, bytes.count % image == 0 else {
            throw ImpalaPolicyError.invalidObservations(byteCount: bytes.count, height: height, width: width)
        }
        let count = bytes.count / image, plane = height * width
        var scalars = [Float](repeating: 0, count: bytes.count)
        bytes.withUnsafeBufferPointer { src in
            scalars.withUnsafeMutableBufferPointer { dst in
                for n in 0..<count {
                    let s = src.baseAddress! + n * image, d = dst.baseAddress! + n * image
                    for channel in 0..<3 {
                        let out = d + channel * plane
                        for p in 0..<plane { out[p] = Float(s[3 * p + channel]) / 255 }
                    }
                }
            }
        }
        return Tensor(shape: [count, 3, height, width], scalars: scalars)
    }

    /// A uint8 `.npy` array of shape `[N, H, W, 3]` (or `[H, W, 3]` for one observation) to `[N, 3, H, W]`.
    public static func tensor(from array: NumpyArray) throws -> Tensor {
        guard case let .uint8(shape, values) = array, shape.count == 4 || shape.count == 3, shape.last == 3 else {
            throw ImpalaPolicyError.invalidInput(shape: array.shape)
        }
        return try tensor(fromNHWC: values, height: shape[shape.count - 3], width: shape[shape.count - 2])
    }
}
