import Foundation

/// One numeric key of a patch kind, as `KIND:KEY` names it (`cheese:coeff`, `top-right:coeff`,
/// `retarget:value`): what a sweep varies while the spec's other keys stay as given.
public struct PatchParameter: Sendable, Equatable, CustomStringConvertible {
    public let kind: PatchSpec.Kind
    /// A key of `kind` that holds a real number (`PatchSpec.numericKeys(of:)`), spelled as in a SPEC.
    public let key: String

    /// Parses `KIND:KEY`.
    /// - Parameter text: the parameter as written, e.g. `cheese:coeff`.
    /// - Throws: `PatchError` naming the text: an unknown kind, a key the kind does not take, or a key that is not
    ///   a number (`channels`, `cell`, `source`...).
    public init(parsing text: String) throws(PatchError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[1].isEmpty else {
            throw PatchError.invalidSpec(spec: text, reason: "a swept parameter is KIND:KEY, e.g. cheese:coeff")
        }
        guard let kind = PatchSpec.Kind(rawValue: String(parts[0])) else {
            throw PatchError.unknownKind(spec: text, kind: String(parts[0]), valid: PatchSpec.Kind.allCases.map(\.rawValue))
        }
        let key = String(parts[1])
        let numeric = PatchSpec.numericKeys(of: kind)
        guard numeric.contains(key) else {
            throw PatchError.unknownKey(spec: text, key: key, valid: numeric)
        }
        self.kind = kind
        self.key = key
    }

    /// `KIND:KEY`.
    public var description: String { "\(kind.rawValue):\(key)" }

    /// `KIND KEY` for captions (`cheese coeff`).
    public var caption: String { "\(kind.rawValue) \(key)" }

    /// A spec of this kind with the key set to `number`.
    /// - Parameters:
    ///   - number: the key's value.
    ///   - base: the spec whose other keys are kept (of this kind); nil for the kind with no keys set.
    /// - Returns: `base` (or a bare spec of `kind`) with the key set.
    /// - Throws: `PatchError.invalidSpec` when `base` is of another kind.
    public func spec(_ number: Float, base: PatchSpec? = nil) throws(PatchError) -> PatchSpec {
        var spec = base ?? PatchSpec(kind: kind)
        guard spec.kind == kind else {
            throw PatchError.invalidSpec(spec: spec.description,
                                         reason: "the swept parameter is \(self), so the base patch must be a \(kind.rawValue) patch")
        }
        switch key {
        case "coeff": spec.coeff = number
        case "value": spec.value = number
        case "default": spec.background = number
        case "factor": spec.factor = number
        default: spec.std = number
        }
        return spec
    }
}

extension PatchSpec {
    /// The keys of a kind whose value is a real number (what `PatchParameter` can sweep), in `keys` order.
    /// - Parameter kind: the patch kind.
    public static func numericKeys(of kind: Kind) -> [String] {
        (keys[kind] ?? []).filter { ["coeff", "value", "default", "factor", "std"].contains($0) }
    }
}
