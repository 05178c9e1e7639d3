import ImpalaPolicy
import Tensors

/// The per-observation layout of one activation site: `[C, H, W]` (or `[F]`, read as `F` channels of one cell).
struct SiteGeometry: Sendable {
    let layer: String
    let shape: [Int]
    let channels: Int
    /// Cells per channel: `H · W` (1 for flat sites).
    let cells: Int

    init(_ network: ImpalaNetwork, _ layer: String) throws {
        self.layer = layer
        shape = try network.activationShape(of: layer)
        channels = shape[0]
        cells = shape.dropFirst().reduce(1, *)
    }

    func checkPerObservation(_ vector: Tensor) throws {
        let perObservation = vector.shape.first == 1 && vector.rank == shape.count + 1
            ? Array(vector.shape.dropFirst()) : vector.shape
        guard perObservation == shape else {
            throw PatchError.shapeMismatch(layer: layer, expected: shape, found: vector.shape)
        }
    }

    /// Flat index of `cell` inside one channel map. - Throws: `.notSpatial`, `.cellOutOfRange`.
    func position(of cell: ChannelCell, patch: String) throws -> Int {
        guard shape.count == 3 else { throw PatchError.notSpatial(layer: layer, patch: patch) }
        guard (0..<shape[1]).contains(cell.row), (0..<shape[2]).contains(cell.column) else {
            throw PatchError.cellOutOfRange(layer: layer, cell: cell, height: shape[1], width: shape[2])
        }
        return cell.row * shape[2] + cell.column
    }

    /// `x[n] += vector` for every batch element. Cost: one pass.
    func addBroadcast(_ vector: [Float], to x: inout Tensor) {
        let perObservation = vector.count
        x.withUnsafeMutableBufferPointer { buffer in
            vector.withUnsafeBufferPointer { v in
                for n in 0..<(buffer.count / perObservation) {
                    let row = buffer.baseAddress! + n * perObservation
                    for i in 0..<perObservation { row[i] += v[i] }
                }
            }
        }
    }

    /// Replaces `x[n, c, p]` for the selected channels by `value(old, c, p)`.
    func fill(_ x: inout Tensor, channels selected: [Int], _ value: (Float, Int, Int) -> Float) {
        fill(&x, channels: selected, batchAware: true) { old, c, p, _ in value(old, c, p) }
    }

    /// Replaces `x[n, c, p]` for the selected channels by `value(old, c, p, n)`.
    func fill(_ x: inout Tensor, channels selected: [Int], batchAware: Bool,
              _ value: (Float, Int, Int, Int) -> Float) {
        let perObservation = channels * cells
        let batch = x.count / perObservation
        x.withUnsafeMutableBufferPointer { buffer in
            for n in 0..<batch {
                for c in selected {
                    let map = buffer.baseAddress! + n * perObservation + c * cells
                    for p in 0..<cells { map[p] = value(map[p], c, p, n) }
                }
            }
        }
    }

    /// `gradient[n, c, p] *= factor(before[n, c, p])` for the selected channels (an edit's derivative, applied
    /// in the reverse pass). Cost: one pass over the selected channels.
    func scaleGradient(_ gradient: inout Tensor, channels selected: [Int], before: Tensor, _ factor: (Float) -> Float) {
        let perObservation = channels * cells
        let batch = gradient.count / perObservation
        before.withUnsafeBufferPointer { values in
            gradient.withUnsafeMutableBufferPointer { buffer in
                for n in 0..<batch {
                    for c in selected {
                        let offset = n * perObservation + c * cells
                        let map = buffer.baseAddress! + offset, value = values.baseAddress! + offset
                        for p in 0..<cells { map[p] *= factor(value[p]) }
                    }
                }
            }
        }
    }

    /// Mean over the batch dimension of `[M, ...]` activations of this site → one per-observation vector.
    func batchMean(of activations: Tensor) throws -> [Float] {
        guard activations.rank == shape.count + 1, Array(activations.shape.dropFirst()) == shape,
              activations.shape[0] > 0 else {
            throw PatchError.shapeMismatch(layer: layer, expected: [-1] + shape, found: activations.shape)
        }
        let perObservation = channels * cells, m = activations.shape[0]
        var sum = [Double](repeating: 0, count: perObservation)
        for n in 0..<m {
            for i in 0..<perObservation { sum[i] += Double(activations.scalars[n * perObservation + i]) }
        }
        return sum.map { Float($0 / Double(m)) }
    }
}
