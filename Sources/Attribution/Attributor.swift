import ImpalaPolicy
import PolicyGradients
import Tensors

/// How a scalar's dependence on the input (or a site) is assigned to its elements.
public enum AttributionMethod: Sendable, Hashable {
    /// The plain gradient (saliency).
    case gradient
    /// Gradient times the input (or times the site's activation).
    case gradientTimesInput
    /// Integrated gradients from a baseline along the straight path (captum's `IntegratedGradients`).
    case integratedGradients(steps: Int, method: IntegrationMethod)
}

/// The methods by name, as the command line (`attribute --method`) and the explorer's API (`"method"`) write them.
public enum AttributionMethodName: String, Sendable, CaseIterable {
    case gradient
    case gradientTimesInput = "gradient-x-input"
    case integratedGradients = "integrated-gradients"

    /// The method to run; `steps` and `integration` matter only for integrated gradients.
    public func method(steps: Int, integration: IntegrationMethod) -> AttributionMethod {
        switch self {
        case .gradient: .gradient
        case .gradientTimesInput: .gradientTimesInput
        case .integratedGradients: .integratedGradients(steps: steps, method: integration)
        }
    }
}

/// One observation's attribution.
public struct AttributionResult: Sendable {
    /// Per element of the observation `[3, 64, 64]` or of the site (`[C, H, W]` or `[F]`).
    public var attribution: Tensor
    /// The target at the observation (with the patches applied).
    public var targetValue: Float
    /// The target at the baseline (integrated gradients only).
    public var baselineValue: Float?
    /// Integrated gradients' completeness error, captum's convergence delta: `Σ attribution − (f(x) − f(b))`.
    public var completenessError: Float?
}

/// Saliency, gradient × input and integrated gradients of one scalar of the policy network, to the
/// observation or to an activation site, with patches applied in every pass.
public struct Attributor: Sendable {
    public let reversePass: ReversePass

    public init(network: ImpalaNetwork, batchLimit: Int = 32) {
        reversePass = ReversePass(network: network, batchLimit: batchLimit)
    }

    /// Attribution of `target` for one observation.
    ///
    /// - Parameters:
    ///   - target: the scalar attributed (a grouped probability or log-probability, a logit, or the value).
    ///   - observation: `[1, 3, 64, 64]` (or `[3, 64, 64]`), values in [0, 1].
    ///   - baseline: the same shape; required by integrated gradients, ignored otherwise.
    ///   - variable: the observation, or a site. At a site, integrated gradients follow the straight path in
    ///     activation space from the baseline observation's activation to the observation's (both taken with
    ///     the patches applied), and gradient × input multiplies by the site's activation.
    ///   - method: saliency, gradient × input, or integrated gradients with its step count and rule.
    ///   - edits: patches applied in every forward and backward pass.
    /// - Returns: the attribution, shaped like the variable without the batch dimension.
    /// - Throws: `ImpalaPolicyError`, `GradientError`, `AttributionError.missingBaseline` / `.invalidSteps`.
    ///
    /// Cost: one forward and backward pass for the gradient methods; integrated gradients `steps` of them
    /// (in chunks of `reversePass.batchLimit`) plus two forward passes.
    public func attribute(_ target: GradientTarget, observation: Tensor, baseline: Tensor? = nil,
                          variable: GradientVariable = .observation, method: AttributionMethod,
                          edits: [ActivationEdit] = []) throws -> AttributionResult {
        let input = observation.reshaped([1, 3, 64, 64])
        switch method {
        case .gradient, .gradientTimesInput:
            let (values, gradient) = try reversePass.gradient(of: target, at: input, withRespectTo: variable, edits: edits)
            var attribution = gradient.reshaped(Array(gradient.shape.dropFirst()))
            if method == .gradientTimesInput {
                let factor = try activation(of: input, at: variable, edits: edits)
                for i in 0..<attribution.count { attribution.scalars[i] *= factor.scalars[i] }
            }
            return AttributionResult(attribution: attribution, targetValue: values[0])
        case let .integratedGradients(steps, rule):
            guard steps >= (rule == .riemannTrapezoid ? 2 : 1) else { throw AttributionError.invalidSteps(steps, rule) }
            guard let baseline else { throw AttributionError.missingBaseline }
            return try integratedGradients(target, input: input, baseline: baseline.reshaped([1, 3, 64, 64]),
                                           variable: variable, steps: steps, rule: rule, edits: edits)
        }
    }

    /// The variable's value for `input` `[1, 3, 64, 64]`: the observation itself, or the site's activation
    /// with the patches applied. - Returns: the per-observation shape.
    func activation(of input: Tensor, at variable: GradientVariable, edits: [ActivationEdit]) throws -> Tensor {
        switch variable {
        case .observation:
            return input.reshaped([3, 64, 64])
        case let .activation(label):
            let value = try reversePass.network.forward(input, capturing: [label], edits: edits).activations[label]!
            return value.reshaped(Array(value.shape.dropFirst()))
        }
    }

    private func integratedGradients(_ target: GradientTarget, input: Tensor, baseline: Tensor, variable: GradientVariable,
                                     steps: Int, rule: IntegrationMethod, edits: [ActivationEdit]) throws -> AttributionResult {
        let network = reversePass.network
        let ends = try network.forward(Tensor.concatenatingBatches([input, baseline]), edits: edits, path: .ordinary)
        let endValues = target.values(in: ends)
        let end = try activation(of: input, at: variable, edits: edits)
        let start = try activation(of: baseline, at: variable, edits: edits)
        let difference = zip(end.scalars, start.scalars).map { $0 - $1 }
        let perPoint = end.count
        let (alphas, weights) = rule.nodes(steps: steps)
        var total = [Double](repeating: 0, count: perPoint)
        var first = 0
        while first < steps {
            let count = min(reversePass.batchLimit, steps - first)
            // The path's points for this chunk: start + α (end − start), in float32 as captum makes them.
            var points = [Float](repeating: 0, count: count * perPoint)
            for k in 0..<count {
                let alpha = Float(alphas[first + k])
                for i in 0..<perPoint { points[k * perPoint + i] = start.scalars[i] + alpha * difference[i] }
            }
            let gradient: Tensor
            switch variable {
            case .observation:
                gradient = try reversePass.gradient(of: target, at: Tensor(shape: [count, 3, 64, 64], scalars: points),
                                                    edits: edits).gradient
            case let .activation(label):
                // The site's activation is replaced by the path's points; upstream of it nothing matters.
                let pathPoints = Tensor(shape: [count] + end.shape, scalars: points)
                let replace = ActivationEdit(label: label, batchIndependent: false, summary: "the integration path at \(label)",
                                             derivative: { _, gradient in
                    for i in 0..<gradient.count { gradient.scalars[i] = 0 }
                }) { x in x = pathPoints.reshaped(x.shape) }
                let repeated = Tensor.concatenatingBatches(Array(repeating: input, count: count))
                gradient = try reversePass.gradient(of: target, at: repeated, withRespectTo: variable,
                                                    edits: edits + [replace]).gradient
            }
            for k in 0..<count {
                let weight = Double(Float(weights[first + k]))
                for i in 0..<perPoint { total[i] += weight * Double(gradient.scalars[k * perPoint + i]) }
            }
            first += count
        }
        var attribution = Tensor(zeros: end.shape)
        var sum: Double = 0
        for i in 0..<perPoint {
            attribution.scalars[i] = Float(total[i]) * difference[i]
            sum += Double(attribution.scalars[i])
        }
        let error = Float(sum - (Double(endValues[0]) - Double(endValues[1])))
        return AttributionResult(attribution: attribution, targetValue: endValues[0], baselineValue: endValues[1],
                                 completenessError: error)
    }
}

/// Why an attribution could not be made.
public enum AttributionError: Error, Equatable, CustomStringConvertible {
    /// Integrated gradients without a baseline.
    case missingBaseline
    /// Too few steps for the integration rule.
    case invalidSteps(Int, IntegrationMethod)

    public var description: String {
        switch self {
        case .missingBaseline:
            return "integrated gradients need a baseline (black, blur, no-cheese or mean)"
        case let .invalidSteps(steps, rule):
            return "\(steps) steps are too few for \(rule.rawValue): use at least \(rule == .riemannTrapezoid ? 2 : 1)"
        }
    }
}
