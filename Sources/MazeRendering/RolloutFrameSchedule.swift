import ImpalaPolicy
import MazeSimulation
import PolicyAnalysis

/// The frames of a rollout video, made one at a time from finished rollouts (nothing but the rollouts is kept).
///
/// Seeds are shown in pages of `seedsPerPage` (1 for the sequential layout). A page lasts
/// `titleFrames + longest episode's steps + endFrames` frames: the start state for `titleFrames` frames while the
/// banner introduces the seed, then one frame per later step (the state before each move, with the probabilities
/// the policy gave it and the action taken highlighted), then the final state with its outcome marker for
/// `1 + endFrames` frames. A shorter episode stays on its final state until the page ends.
public struct RolloutFrameSchedule: Sendable {
    public let rollouts: [[Rollout]]
    public let variantNames: [String]
    public let seedsPerPage: Int
    public let titleFrames: Int, endFrames: Int
    /// Seed indices shown on each page.
    public let pages: [[Int]]
    /// Frames of each page.
    public let pageLengths: [Int]
    /// Text after the seed in every banner, e.g. `original vs cheese:coeff=-1 · argmax`.
    public let subtitle: String
    private let mousePaths: [[[MazePoint]]]

    /// - Parameters:
    ///   - rollouts: `rollouts[s][v]`, seed `s` played by variant `v`.
    ///   - variantNames: one name per variant, in `v` order; joined into the banner's subtitle.
    ///   - seedsPerPage: seeds shown together on one page (at least 1; smaller values count as 1).
    ///   - titleFrames: frames the start is held (at least 1; that first frame is the title).
    ///   - endFrames: frames the final states are held after the longest episode's end.
    ///   - selection: how the rollouts chose their actions, named in the subtitle.
    public init(rollouts: [[Rollout]], variantNames: [String], seedsPerPage: Int, titleFrames: Int, endFrames: Int,
                selection: ActionSelection) {
        self.rollouts = rollouts
        self.variantNames = variantNames
        self.seedsPerPage = max(1, seedsPerPage)
        self.titleFrames = max(1, titleFrames)
        self.endFrames = max(0, endFrames)
        let pages = stride(from: 0, to: rollouts.count, by: self.seedsPerPage).map {
            Array($0..<min(rollouts.count, $0 + max(1, seedsPerPage)))
        }
        self.pages = pages
        pageLengths = pages.map { page in
            let longest = page.flatMap { rollouts[$0].map(\.steps.count) }.max() ?? 0
            return max(1, titleFrames) + longest + max(0, endFrames)
        }
        mousePaths = rollouts.map { seed in seed.map { rollout in
            rollout.steps.map(\.state.mouseMaze) + [rollout.finalState.mouseMaze]
        } }
        let how: String
        switch selection {
        case .argmax: how = "argmax"
        case let .sample(seed): how = "sampled (seed \(seed))"
        }
        subtitle = variantNames.joined(separator: " vs ") + " · " + how
    }

    /// Frames in the whole video.
    public var frameCount: Int { pageLengths.reduce(0, +) }

    /// The content of frame `frame` (0-based) of page `page`.
    public func content(page: Int, frame: Int) -> RolloutFrameContent {
        let seeds = pages[page]
        let step = max(0, frame - titleFrames + 1)
        let groups = seeds.map { s in
            rollouts[s].enumerated().map { v, rollout in panel(rollout, path: mousePaths[s][v], step: step) }
        }
        let title: String
        if seeds.count == 1 {
            title = "seed \(rollouts[seeds[0]].first?.seed ?? -1)"
        } else {
            title = "seeds " + seeds.map { String(rollouts[$0].first?.seed ?? -1) }.joined(separator: ", ")
        }
        return RolloutFrameContent(title: title, subtitle: subtitle, groups: groups)
    }

    /// Every frame in order: `body(page, frameInPage, content)`.
    public func forEachFrame(_ body: (_ page: Int, _ frame: Int, RolloutFrameContent) throws -> Void) rethrows {
        for page in pages.indices {
            for frame in 0..<pageLengths[page] { try body(page, frame, content(page: page, frame: frame)) }
        }
    }

    private func panel(_ rollout: Rollout, path: [MazePoint], step requested: Int) -> RolloutPanelContent {
        let step = min(requested, rollout.steps.count)
        let name = rollout.variant
        let trail = Array(path[0...step])
        guard step < rollout.steps.count else {
            let outcome: RolloutPanelContent.Outcome = switch rollout.ending {
            case .cheese: .cheese(step: rollout.steps.count)
            case .loop: .loop(steps: rollout.steps.count, from: rollout.loopStart ?? 0)
            case .timeout, .stepLimit: .stopped(steps: rollout.steps.count)
            }
            return RolloutPanelContent(variantName: name, seed: rollout.seed, state: rollout.finalState, step: step,
                                       probabilities: nil, chosenGroup: nil, trail: trail, outcome: outcome)
        }
        let current = rollout.steps[step]
        return RolloutPanelContent(variantName: name, seed: rollout.seed, state: current.state, step: step,
                                   probabilities: current.distribution.groups,
                                   chosenGroup: ActionGroup.allCases.firstIndex { $0.actionIndices.contains(current.action.rawValue) },
                                   trail: trail)
    }
}
