import Tensors

/// Full activation maps at every trunk site, plus the raw input, in slots (one per observation or episode):
/// the base the incremental pass reads around its crops. Slots are allocated when first written and
/// released with `release(_:)`; pointers stay valid until then. Workers may write disjoint slots concurrently.
final class ActivationStore: @unchecked Sendable {
    /// The raw input image (`[3, 64, 64]`, before any edit at the input site), kept for change detection.
    static let inputLabel = "input"

    /// Offset of each label's map inside a slot, and a slot's size in floats.
    let offsets: [String: Int]
    let sizes: [String: Int]
    let slotSize: Int
    private var slots: [Int: UnsafeMutablePointer<Float>] = [:]

    init(network: ImpalaNetwork) {
        var offsets: [String: Int] = [:], sizes: [String: Int] = [:]
        var offset = 0
        for label in [Self.inputLabel] + ImpalaNetwork.trunkSites {
            let size = label == Self.inputLabel ? 3 * 64 * 64 : (try! network.activationShape(of: label)).reduce(1, *)
            offsets[label] = offset
            sizes[label] = size
            offset += size
        }
        self.offsets = offsets
        self.sizes = sizes
        slotSize = offset
    }

    deinit {
        for pointer in slots.values { pointer.deallocate() }
    }

    /// Whether `slot` holds activations.
    func contains(_ slot: Int) -> Bool { slots[slot] != nil }

    /// Allocates `slot` (uninitialised) when it does not exist yet. Not thread-safe: call before sharing.
    func reserve(_ slot: Int) {
        if slots[slot] == nil { slots[slot] = .allocate(capacity: slotSize) }
    }

    /// Frees `slot`'s memory; a later write allocates it afresh.
    func release(_ slot: Int) {
        slots.removeValue(forKey: slot)?.deallocate()
    }

    /// `label`'s map `[C, side, side]` in `slot`, which must be reserved.
    func map(_ label: String, slot: Int) -> UnsafeMutablePointer<Float> {
        slots[slot]! + offsets[label]!
    }

    /// Copies row `row` of `tensor` (`[N, ...]`, one `label` map per row) into `slot`, reserving it.
    func write(_ label: String, slot: Int, from tensor: Tensor, row: Int) {
        reserve(slot)
        let size = sizes[label]!, destination = map(label, slot: slot)
        tensor.withUnsafeBufferPointer { destination.update(from: $0.baseAddress! + row * size, count: size) }
    }

    /// The maps of `label` in `slots`, one row each: `[slots.count] + shape`.
    func tensor(_ label: String, slots rows: [Int], shape: [Int]) -> Tensor {
        let size = sizes[label]!
        var scalars = [Float](repeating: 0, count: rows.count * size)
        scalars.withUnsafeMutableBufferPointer { out in
            for (k, slot) in rows.enumerated() { (out.baseAddress! + k * size).update(from: map(label, slot: slot), count: size) }
        }
        return Tensor(shape: [rows.count] + shape, scalars: scalars)
    }
}

/// One chunk's view of the store: per member, its slot's maps.
struct CropBases {
    let store: ActivationStore
    let slots: [Int]
    let writesBack: Bool
    /// Whether convolutions may use Winograd F(2x2, 3x3).
    let winograd: Bool

    func maps(_ label: String) -> [UnsafePointer<Float>] { slots.map { UnsafePointer(store.map(label, slot: $0)) } }
    func mutableMaps(_ label: String) -> [UnsafeMutablePointer<Float>] { slots.map { store.map(label, slot: $0) } }
}
