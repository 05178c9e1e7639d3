import Foundation
import ImpalaPolicy
import Tensors

/// The scalar a gradient is taken of, per observation.
public enum GradientTarget: Sendable, Hashable, CustomStringConvertible {
    /// A grouped action's probability: the softmax summed over the raw actions in the group.
    case probability(ActionGroup)
    /// The natural log of a grouped action's probability.
    case logProbability(ActionGroup)
    /// One raw `fc_policy` output.
    case logit(Int)
    /// The value head.
    case value

    /// Parses `left`, `down`, `up`, `right`, `noop`, `log:GROUP`, `logit:K` or `value`.
    /// - Throws: `GradientError.unknownTarget`.
    public init(parsing text: String) throws(GradientError) {
        if text == "value" {
            self = .value
        } else if let group = ActionGroup(rawValue: text) {
            self = .probability(group)
        } else if text.hasPrefix("log:"), let group = ActionGroup(rawValue: String(text.dropFirst(4))) {
            self = .logProbability(group)
        } else if text.hasPrefix("logit:"), let index = Int(text.dropFirst(6)), index >= 0 {
            self = .logit(index)
        } else {
            throw GradientError.unknownTarget(text)
        }
    }

    /// The text form `init(parsing:)` reads.
    public var description: String {
        switch self {
        case let .probability(group): group.rawValue
        case let .logProbability(group): "log:\(group.rawValue)"
        case let .logit(index): "logit:\(index)"
        case .value: "value"
        }
    }

    /// The target's value per observation in a forward pass's output.
    public func values(in output: PolicyOutput) -> [Float] {
        let batch = output.logits.shape[0], actions = output.logits.shape[1]
        return (0..<batch).map { n in
            switch self {
            case .value: return output.values[n]
            case let .logit(index): return output.logits.scalars[n * actions + index]
            case let .probability(group):
                return output.groupProbabilities.scalars[n * 5 + ActionGroup.allCases.firstIndex(of: group)!]
            case let .logProbability(group):
                return logf(output.groupProbabilities.scalars[n * 5 + ActionGroup.allCases.firstIndex(of: group)!])
            }
        }
    }

    /// Checks the target against a network with `actionCount` actions. - Throws: `.logitOutOfRange`.
    func check(actionCount: Int) throws(GradientError) {
        if case let .logit(index) = self, index >= actionCount {
            throw GradientError.logitOutOfRange(index, actionCount: actionCount)
        }
    }

    /// The target's value per observation and its gradient with respect to the logits `[N, A]` and to the
    /// value head `[N, 1]`, from the (patched) logits and values of a forward pass.
    func seed(logits: Tensor, values: [Float]) -> (values: [Float], logits: Tensor, value: Tensor) {
        let (batch, actions) = (logits.shape[0], logits.shape[1])
        var gradLogits = Tensor(zeros: [batch, actions])
        var gradValue = Tensor(zeros: [batch, 1])
        var result = [Float](repeating: 0, count: batch)
        switch self {
        case .value:
            result = values
            for n in 0..<batch { gradValue.scalars[n] = 1 }
        case let .logit(index):
            for n in 0..<batch {
                result[n] = logits.scalars[n * actions + index]
                gradLogits.scalars[n * actions + index] = 1
            }
        case let .probability(group), let .logProbability(group):
            let probabilities = Dense.softmax(logits)
            let members = group.actionIndices.filter { $0 < actions }
            let takeLog = if case .logProbability = self { true } else { false }
            for n in 0..<batch {
                let row = n * actions
                var total: Float = 0
                for a in members { total += probabilities.scalars[row + a] }
                // d P / d l_j = p_j ([j in G] - P); the log divides by P.
                for j in 0..<actions {
                    let p = probabilities.scalars[row + j]
                    let inside: Float = members.contains(j) ? 1 : 0
                    gradLogits.scalars[row + j] = takeLog ? p * inside / total - p : p * (inside - total)
                }
                result[n] = takeLog ? logf(total) : total
            }
        }
        return (result, gradLogits, gradValue)
    }
}

/// What the reverse pass computes a gradient with respect to.
public enum GradientVariable: Sendable, Hashable {
    /// The observation as the network reads it, `[N, 3, 64, 64]` (through any edits at the input site).
    case observation
    /// The activation at a site (a label from `ActivationLabels.all`, or an alias), as the rest of the
    /// network sees it (after the edits at that site).
    case activation(String)
}

/// Why a gradient could not be computed.
public enum GradientError: Error, Equatable, CustomStringConvertible {
    /// A target that is not `left|down|up|right|noop`, `log:GROUP`, `logit:K` or `value`.
    case unknownTarget(String)
    /// `logit:K` with `K` past the network's actions.
    case logitOutOfRange(Int, actionCount: Int)
    /// An edit on the gradient's path that has no elementwise derivative.
    case notDifferentiable(summary: String, label: String)

    public var description: String {
        switch self {
        case let .unknownTarget(text):
            return "unknown gradient target '\(text)'; use left, down, up, right, noop, log:GROUP (e.g. log:up), "
                + "logit:K or value"
        case let .logitOutOfRange(index, actions):
            return "logit:\(index) is out of range: the network has \(actions) actions (logit:0 ... logit:\(actions - 1))"
        case let .notDifferentiable(summary, label):
            return "cannot take gradients through \(summary) (site \(label)): it reads across the batch, so it has "
                + "no elementwise derivative; give the patch a fixed value (a background, a reference mean or one "
                + "source) or take the gradient at a site after it"
        }
    }
}
