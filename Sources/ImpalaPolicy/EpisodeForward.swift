import Tensors

/// Forward passes along episodes that keep each episode's previous activations, so that a step recomputes
/// only what changed since the episode's last step (the mouse moved, the cheese was eaten).
///
/// Every call takes a batch of observations, one per running episode, named by the caller's episode number.
/// An episode seen before is compared with its previous observation: the rectangle of changed pixels is
/// recomputed layer by layer through the incremental kernels (`ImpalaNetwork.forward`'s incremental trunk,
/// crops of one size from all episodes in one GEMM), reading the episode's previous activations around it,
/// and the new crops replace the old ones in place. New episodes, and steps whose change is too large to
/// save work, run the ordinary trunk. The results equal the ordinary pass up to float rounding (tested: max
/// |logit difference| ≤ 1e-5 over whole episodes at scales 1 and 4; with the default im2col kernels the
/// logits measured bit-identical).
///
/// Edits must be batch-independent, and element-wise at trunk sites (`ActivationEdit.elementwise`: they are
/// applied to each crop embedded in its full map); with any other edit every call runs
/// `ImpalaNetwork.forward` unchanged (`isIncremental` is false).
///
/// Memory: one copy of every trunk activation per live episode (about 0.4 MB at scale 1, 5.6 MB at scale 4);
/// call `endEpisode(_:)` when an episode ends. Not thread-safe: one caller at a time.
public final class EpisodeForward {
    public let network: ImpalaNetwork
    /// The edits applied in every pass.
    public let edits: [ActivationEdit]
    /// Whether passes reuse earlier activations (false when an edit rules the incremental trunk out).
    public let isIncremental: Bool
    /// Whether crops may use Winograd F(2x2, 3x3) convolutions (see `init`).
    public let winograd: Bool
    /// What the passes so far computed.
    public private(set) var statistics = ForwardStatistics()
    private let store: ActivationStore

    /// - Parameters:
    ///   - network: the policy.
    ///   - edits: applied in every pass.
    ///   - winograd: false (the default) computes every crop by im2col + GEMM, which rounds exactly as the
    ///     ordinary pass does (bit-identical logits measured); true uses Winograd F(2x2, 3x3) for wide layers,
    ///     about half the products, but its rounding differs in the last bits and accumulates along an episode
    ///     (max |logit difference| 9e-5 after 500 steps of the scale-1 agent, measured).
    /// - Throws: `ImpalaPolicyError.unknownLabel` for an edit at no known site.
    public init(network: ImpalaNetwork, edits: [ActivationEdit] = [], winograd: Bool = false) throws {
        for edit in edits { _ = try ActivationLabels.canonical(edit.label) }
        self.network = network
        self.edits = edits
        isIncremental = network.incrementalAllows(edits)
        self.winograd = winograd
        store = ActivationStore(network: network)
    }

    /// Whether `EpisodeForward(network:edits:)` would reuse earlier activations with these edits.
    public static func isIncremental(network: ImpalaNetwork, edits: [ActivationEdit]) -> Bool {
        network.incrementalAllows(edits)
    }

    /// Runs the network on one step of several episodes.
    ///
    /// - Parameters:
    ///   - input: `[N, 3, 64, 64]`, row `n` the current observation of episode `episodes[n]`.
    ///   - episodes: `N` distinct episode numbers (any integers; an unseen one starts an episode).
    ///   - capturing: activation labels to keep, as in `ImpalaNetwork.forward`.
    /// - Returns: the same outputs as `ImpalaNetwork.forward(input, capturing:, edits:)`, up to float rounding.
    /// - Throws: `ImpalaPolicyError.invalidInput`, `.unknownLabel`, `.patchChangedShape`, or an edit's error.
    ///
    /// Cost: the changed crops' share of `flopsPerObservation` per continuing episode (see `statistics`),
    /// the full pass per new episode, plus copying each site's crops.
    public func forward(_ input: Tensor, episodes: [Int], capturing: [String] = []) throws -> PolicyOutput {
        guard input.rank == 4, input.shape[1] == 3, input.shape[2] == 64, input.shape[3] == 64 else {
            throw ImpalaPolicyError.invalidInput(shape: input.shape)
        }
        precondition(episodes.count == input.shape[0] && Set(episodes).count == episodes.count,
                     "EpisodeForward.forward: one distinct episode number per observation")
        let batch = input.shape[0], trunkFLOPs = network.trunkConvolutionFLOPs
        guard isIncremental else {
            statistics.addOrdinaryPass(observations: batch, network: network)
            return try network.forward(input, capturing: capturing, edits: edits)
        }
        statistics.passes += 1
        statistics.observations += batch
        statistics.ordinaryConvolutionFLOPs += batch * trunkFLOPs
        var sites = SiteHooks()
        for label in capturing { sites.captures[try ActivationLabels.canonical(label), default: []].append(label) }
        for edit in edits { sites.edits[try ActivationLabels.canonical(edit.label), default: []].append(edit) }
        var trunkHooks = SiteHooks(captures: [:], edits: sites.edits)
        trunkHooks.edits["embedder.flatten_out"] = nil

        // Plan: per continuing episode, the rectangle that changed since its last step.
        var full: [Int] = [], bySize: [[Int]: [Int]] = [:]
        var boxes = [MapRect](repeating: MapRect(y0: 0, y1: 0, x0: 0, x1: 0), count: batch)
        input.withUnsafeBufferPointer { x in
            for (n, episode) in episodes.enumerated() {
                guard store.contains(episode) else { full.append(n); continue }
                boxes[n] = IncrementalPlan.changedBox(x.baseAddress! + n * 12288,
                                                      reference: store.map(ActivationStore.inputLabel, slot: episode),
                                                      channels: 3, height: 64, width: 64)
                if boxes[n].isEmpty { statistics.unchanged += 1 } else { bySize[[boxes[n].height, boxes[n].width], default: []].append(n) }
            }
        }
        var groups: [IncrementalGroup] = []
        for key in bySize.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let group = IncrementalPlan.group(members: bySize[key]!, boxes: boxes, channels: network.channels, side: 64)
            if Double(group.flopsPerMember) < IncrementalPlan.worthwhileShare * Double(trunkFLOPs) {
                groups.append(group)
                statistics.incremental += group.members.count
                statistics.convolutionFLOPs += group.flopsPerMember * group.members.count
                statistics.kernelFLOPs += group.flops(winograd: winograd) * group.members.count
            } else {
                full += group.members
            }
        }
        statistics.full += full.count
        statistics.convolutionFLOPs += full.count * trunkFLOPs
        statistics.kernelFLOPs += full.count * trunkFLOPs

        // New episodes and large changes: the ordinary trunk, every site kept.
        if !full.isEmpty {
            full.sort()
            let subset = Tensor.concatenatingBatches(full.map { input.batchSlice($0..<($0 + 1)) })
            var hooks = trunkHooks
            for label in ImpalaNetwork.trunkSites { hooks.captures[label] = [label] }
            if full.count >= 2, ComputeThreads.workerCount > 1 {
                _ = try network.shardedTrunk(subset, &hooks)
            } else {
                _ = try network.trunk(subset, &hooks, parallel: true)
            }
            for (k, n) in full.enumerated() {
                for label in ImpalaNetwork.trunkSites { store.write(label, slot: episodes[n], from: hooks.captured[label]!, row: k) }
            }
        }
        try network.runGroups(groups, input: input, store: store, slots: episodes, writesBack: true, winograd: winograd,
                              hooks: trunkHooks, outputs: nil)
        for n in 0..<batch { store.write(ActivationStore.inputLabel, slot: episodes[n], from: input, row: n) }

        // Captures at trunk sites, the flat activations and the head.
        for (label, names) in sites.captures where ImpalaNetwork.trunkSites.contains(label) {
            let value = store.tensor(label, slots: episodes, shape: try network.activationShape(of: label))
            for name in names { sites.captured[name] = value }
        }
        let features = network.channels[2] * 64
        var flat = store.tensor("embedder.relu3_out", slots: episodes, shape: [features])
        try sites.visit("embedder.flatten_out", &flat)
        return try network.head(flat, &sites)
    }

    /// Forgets `episode`'s activations (its number may start a new episode afterwards).
    public func endEpisode(_ episode: Int) {
        store.release(episode)
    }
}

/// What a series of forward passes computed, in observations and in convolution FLOPs.
public struct ForwardStatistics: Sendable, Equatable, Codable {
    /// Forward passes (calls) and observations evaluated.
    public var passes = 0
    public var observations = 0
    /// Observations computed on changed crops, equal to their previous step, and run through the full trunk.
    public var incremental = 0
    public var unchanged = 0
    public var full = 0
    /// Observations answered without a pass: equal, pixel for pixel, to an earlier step of the same episode, whose
    /// outputs were kept (`Rollouts.mapLockstep`; counted in `observations`, no FLOPs spent).
    public var repeated = 0
    /// Trunk convolution FLOPs spent (counted as direct 3x3 convolutions) and what ordinary passes spend.
    public var convolutionFLOPs = 0
    public var ordinaryConvolutionFLOPs = 0
    /// `convolutionFLOPs` as the kernels do them (Winograd F(2x2, 3x3): 16 products per 4 outputs).
    public var kernelFLOPs = 0

    public init() {}

    /// `convolutionFLOPs / ordinaryConvolutionFLOPs`: the share of the direct computation actually done.
    public var share: Double { Double(convolutionFLOPs) / Double(max(1, ordinaryConvolutionFLOPs)) }
    /// `kernelFLOPs / ordinaryConvolutionFLOPs`.
    public var kernelShare: Double { Double(kernelFLOPs) / Double(max(1, ordinaryConvolutionFLOPs)) }

    /// Counts one ordinary forward pass of `observations` observations through `network`.
    public mutating func addOrdinaryPass(observations: Int, network: ImpalaNetwork) {
        passes += 1
        self.observations += observations
        full += observations
        convolutionFLOPs += observations * network.trunkConvolutionFLOPs
        kernelFLOPs += observations * network.trunkConvolutionFLOPs
        ordinaryConvolutionFLOPs += observations * network.trunkConvolutionFLOPs
    }

    /// Counts `observations` answered from an episode's earlier outputs: no pass, no FLOPs, but in the
    /// direct computation's count (one pass per observation).
    public mutating func addRepeated(observations: Int, network: ImpalaNetwork) {
        self.observations += observations
        repeated += observations
        ordinaryConvolutionFLOPs += observations * network.trunkConvolutionFLOPs
    }

    /// Adds `other`'s counts to these.
    public mutating func add(_ other: ForwardStatistics) {
        passes += other.passes
        observations += other.observations
        incremental += other.incremental
        unchanged += other.unchanged
        full += other.full
        repeated += other.repeated
        convolutionFLOPs += other.convolutionFLOPs
        ordinaryConvolutionFLOPs += other.ordinaryConvolutionFLOPs
        kernelFLOPs += other.kernelFLOPs
    }
}
