import MazeSimulation

/// What one maze panel of a rollout video frame shows: one variant's episode on one seed at one step.
public struct RolloutPanelContent: Sendable, Equatable {
    /// How the shown episode ended, once its last state is on screen.
    public enum Outcome: Hashable, Sendable {
        /// The mouse reached the cheese on step `step` (1-based: the number of moves made).
        case cheese(step: Int)
        /// The episode stopped without the cheese after `steps` moves (step limit or procgen's timeout).
        case stopped(steps: Int)
        /// An argmax episode was stopped after `steps` moves on coming back to the state of move `from`: it
        /// would repeat its last `steps - from` moves until the timeout.
        case loop(steps: Int, from: Int)
    }

    /// Caption name of the variant, e.g. `original` or `cheese:coeff=-1`.
    public var variantName: String
    public var seed: Int32
    /// The state drawn (mouse, cheese, facing); walls must be those of the seed's maze.
    public var state: MazeState
    /// Moves made before `state` (0 at the start).
    public var step: Int
    /// The 5 group probabilities (LEFT, DOWN, UP, RIGHT, NOOP) the policy output at `state`; nil at the final
    /// state, where it was not asked.
    public var probabilities: [Float]?
    /// Index (0...4, same order) of the group of the action taken at `state`, highlighted in the chart.
    public var chosenGroup: Int?
    /// Maze cells visited so far, oldest first, drawn as a faint trail (may be empty).
    public var trail: [MazePoint]
    /// Set when `state` is the episode's last.
    public var outcome: Outcome?

    public init(variantName: String, seed: Int32, state: MazeState, step: Int, probabilities: [Float]?,
                chosenGroup: Int?, trail: [MazePoint] = [], outcome: Outcome? = nil) {
        self.variantName = variantName
        self.seed = seed
        self.state = state
        self.step = step
        self.probabilities = probabilities
        self.chosenGroup = chosenGroup
        self.trail = trail
        self.outcome = outcome
    }
}

/// One frame of a rollout video: a banner title and, per seed group in layout order, its panels.
public struct RolloutFrameContent: Sendable, Equatable {
    /// Large text in the banner, e.g. `seed 3`.
    public var title: String
    /// Smaller text after the title, e.g. `original vs cheese:coeff=-1 · argmax`.
    public var subtitle: String
    /// `groups[g][v]`: seed group `g` (at most `layout.groupsPerFrame`), variant `v`.
    public var groups: [[RolloutPanelContent]]

    public init(title: String, subtitle: String, groups: [[RolloutPanelContent]]) {
        self.title = title
        self.subtitle = subtitle
        self.groups = groups
    }
}
