/// The named activation sites of the IMPALA network, labelled as circrl and procgen-tools label them
/// (`"<module name>_out"`, the input as `"embedder.block1.conv_in0"`).
public enum ActivationLabels {
    /// The canonical labels in forward order: the input, then per block `conv_out`, `maxpool_out` and per
    /// residual block `relu1_out`, `conv1_out`, `relu2_out`, `conv2_out`, `resadd_out`; then the head.
    public static let all: [String] = {
        var labels = ["embedder.block1.conv_in0"]
        for block in 1...3 {
            let b = "embedder.block\(block)"
            labels += ["\(b).conv_out", "\(b).maxpool_out"]
            for res in 1...2 {
                labels += ["relu1_out", "conv1_out", "relu2_out", "conv2_out", "resadd_out"].map { "\(b).res\(res).\($0)" }
            }
        }
        return labels + ["embedder.relu3_out", "embedder.flatten_out", "embedder.fc_out", "embedder.relufc_out",
                         "fc_policy_out", "fc_value_out"]
    }()

    /// Module outputs that are the same value as a canonical site (circrl keeps a value's first label):
    /// `embedder.blockB.resR_out`, `embedder.blockB_out` and `embedder_out`.
    public static let aliases: [String: String] = {
        var map = ["embedder_out": "embedder.relufc_out"]
        for block in 1...3 {
            let b = "embedder.block\(block)"
            map["\(b)_out"] = "\(b).res2.resadd_out"
            for res in 1...2 { map["\(b).res\(res)_out"] = "\(b).res\(res).resadd_out" }
        }
        return map
    }()

    private static let canonicalSet = Set(all)

    /// The canonical label for `label` (itself, or what an alias stands for).
    /// - Throws: `ImpalaPolicyError.unknownLabel`, listing the valid labels.
    public static func canonical(_ label: String) throws -> String {
        if canonicalSet.contains(label) { return label }
        if let target = aliases[label] { return target }
        throw ImpalaPolicyError.unknownLabel(label, valid: all)
    }

    /// The per-observation shape of a site for a network with block channels `channels` and `actions`
    /// actions: e.g. `[C, 16, 16]` for `embedder.block2.res1.resadd_out`, `[256]` for `embedder.fc_out`.
    public static func shape(of label: String, channels: [Int], hidden: Int, actions: Int) throws -> [Int] {
        let label = try canonical(label)
        if label == "embedder.block1.conv_in0" { return [3, 64, 64] }
        for block in 1...3 {
            let prefix = "embedder.block\(block)."
            guard label.hasPrefix(prefix) else { continue }
            let inSize = 64 >> (block - 1)
            return label == prefix + "conv_out"
                ? [channels[block - 1], inSize, inSize] : [channels[block - 1], inSize / 2, inSize / 2]
        }
        switch label {
        case "embedder.relu3_out": return [channels[2], 8, 8]
        case "embedder.flatten_out": return [channels[2] * 64]
        case "embedder.fc_out", "embedder.relufc_out": return [hidden]
        case "fc_policy_out": return [actions]
        default: return [1]
        }
    }
}

/// Why the policy network could not do what was asked.
public enum ImpalaPolicyError: Error, Equatable, CustomStringConvertible {
    /// An activation label that is not one of the network's sites.
    case unknownLabel(String, valid: [String])
    /// The input is not `[N, 3, 64, 64]`.
    case invalidInput(shape: [Int])
    /// A patch at `label` returned a tensor of another shape.
    case patchChangedShape(label: String, before: [Int], after: [Int])
    /// Observation bytes that do not make whole `H x W x 3` images.
    case invalidObservations(byteCount: Int, height: Int, width: Int)
    /// An edit at a site the shared prefix already ran past (`ImpalaNetwork.forward(from:)`).
    case editBeforePrefix(label: String, prefix: String)

    public var description: String {
        switch self {
        case let .unknownLabel(label, valid):
            if let near = Self.nearest(to: label, in: valid) {
                return "unknown activation label '\(label)'; did you mean '\(near)'?"
            }
            // Nothing close: the labels that share the longest prefix with it, else the range of all of them.
            let shared = valid.map { candidate in (candidate, zip(candidate, label).prefix { $0 == $1 }.count) }
            let longest = shared.map(\.1).max() ?? 0
            let related = shared.filter { $0.1 == longest && longest >= 4 }.map(\.0)
            if !related.isEmpty, related.count <= 12 {
                return "unknown activation label '\(label)'; labels starting '\(label.prefix(longest))': \(related.joined(separator: ", "))"
            }
            guard let first = valid.first, let last = valid.last else { return "unknown activation label '\(label)'" }
            return "unknown activation label '\(label)'; the \(valid.count) labels run from \(first) to \(last), "
                + "e.g. embedder.block2.res1.resadd_out (each block B 1-3: conv_in0, conv_out, maxpool_out, resR.relu1_out ... resR.resadd_out, R 1-2)"
        case let .invalidInput(shape):
            return "the network takes observations of shape [N, 3, 64, 64] (float, /255), got \(shape)"
        case let .patchChangedShape(label, before, after):
            return "a patch at '\(label)' changed the activation shape from \(before) to \(after); "
                + "patches must keep the shape"
        case let .invalidObservations(count, height, width):
            return "\(count) observation bytes are not a whole number of \(height)x\(width)x3 images"
        case let .editBeforePrefix(label, prefix):
            return "an edit at '\(label)' comes before the shared prefix's site '\(prefix)'; "
                + "compute the prefix up to the first edited site"
        }
    }

    /// The label in `candidates` closest to `label` by edit distance, when it is close enough to be a typo
    /// (at most a quarter of the label's characters, and at least 2, differ); nil otherwise.
    static func nearest(to label: String, in candidates: [String]) -> String? {
        let limit = max(2, label.count / 4)
        let scored = candidates.map { ($0, editDistance(Array(label), Array($0))) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= limit else { return nil }
        return best.0
    }

    /// Levenshtein distance (insertions, deletions and substitutions each cost 1); two rows of the table.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...max(a.count, 1) where !a.isEmpty {
            current[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
