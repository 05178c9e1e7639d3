/// procgen's 15 maze actions (indices into `get_combos()`).
public enum MazeAction: Int, Sendable, Codable, CaseIterable {
    case leftDown = 0, left, leftUp, down, noop, up, rightDown, right, rightUp
    case specialD = 9, specialA, specialW, specialS, specialQ, specialE

    /// The cell offset maze applies: diagonals move horizontally only, 9...14 do nothing.
    public var displacement: (dx: Int, dy: Int) {
        let move = rawValue >= 9 ? 4 : rawValue % 9
        let dx = move / 3 - 1
        let dy = dx != 0 ? 0 : move % 3 - 1
        return (dx, dy)
    }

    /// procgen's combo name ("LEFT+DOWN", "RIGHT", "", "D", ...).
    public var comboName: String {
        ["LEFT+DOWN", "LEFT", "LEFT+UP", "DOWN", "", "UP", "RIGHT+DOWN", "RIGHT", "RIGHT+UP",
         "D", "A", "W", "S", "Q", "E"][rawValue]
    }
}

extension MazeState {
    /// procgen's episode length limit.
    public static let timeout = 500

    /// Moves the mouse by one action within the current episode, without procgen's reset logic.
    /// - Returns: the reward: 10 when the mouse enters the cheese (which is then eaten), else 0.
    public mutating func applyMove(_ action: MazeAction) -> Float {
        let (dx, dy) = action.displacement
        if dx > 0 { facing = .right } else if dx < 0 { facing = .left }
        let target = WorldPoint(x: mouse.x + dx, y: mouse.y + dy)
        if !isWall(target) { mouse = target }
        if let cheeseCell = cheese, cheeseCell == mouse {
            cheese = nil
            return 10
        }
        return 0
    }
}

/// Where an environment takes its level seeds from, as procgen does for one env.
public enum LevelSchedule: Hashable, Sendable, Codable {
    /// `num_levels = 1, start_level = seed`: every episode is the same level.
    case fixed(seed: Int32)
    /// `num_levels = count, start_level = start` (count 0: all levels), with the env's `rand_seed`;
    /// env 0 of a `VecGame` draws its level seeds as procgen does.
    case range(start: Int32, count: Int32, randSeed: Int32)
}

/// What one environment step returned, in gym3's terms.
public struct StepOutcome: Hashable, Sendable {
    /// Reward of the step just taken (10 on entering the cheese).
    public var reward: Float
    /// The episode ended on this step (cheese or timeout); the environment has already reset.
    public var done: Bool
    /// gym3's `first`: true when the state now held is the first of an episode.
    public var first: Bool { done }

    public init(reward: Float, done: Bool) {
        self.reward = reward
        self.done = done
    }
}

/// One procgen maze environment: a state plus the episode rules (timeout, auto-reset, level schedule).
public struct MazeEnvironment: Sendable {
    public let generator: LevelGenerator
    public let schedule: LevelSchedule
    /// The state the agent now observes.
    public private(set) var state: MazeState
    private var levelSeedSource: ProcgenRandom?

    public init(schedule: LevelSchedule, generator: LevelGenerator = LevelGenerator()) {
        self.generator = generator
        self.schedule = schedule
        switch schedule {
        case .fixed(let seed):
            levelSeedSource = nil
            state = generator.generate(seed: seed)
        case .range(_, _, let randSeed):
            var vecGameSeeds = ProcgenRandom(seed: randSeed)
            levelSeedSource = ProcgenRandom(seed: vecGameSeeds.randint())
            state = generator.generate(seed: 0)  // replaced by reset() below
        }
        reset()
    }

    /// Starts a new episode (procgen's `Game::reset`, also what action -1 does).
    public mutating func reset() {
        let seed: Int32
        switch schedule {
        case .fixed(let fixedSeed):
            seed = fixedSeed
        case .range(let start, let count, _):
            let low = count == 0 ? 0 : Int(start)
            let high = count == 0 ? Int(Int32.max) : Int(start) + Int(count)
            seed = Int32(truncatingIfNeeded: levelSeedSource!.randint(low, high))
        }
        state = generator.generate(seed: seed)
    }

    /// One step: move, eat the cheese, count time; on reward or timeout the episode ends and the
    /// environment resets at once, so `state` is already the next episode's first state.
    public mutating func step(_ action: MazeAction) -> StepOutcome {
        state.stepCount += 1
        let reward = state.applyMove(action)
        let done = reward > 0 || state.stepCount >= MazeState.timeout
        if done { reset() }
        return StepOutcome(reward: reward, done: done)
    }

    /// Replaces the current state (an edited maze); the episode goes on from it.
    public mutating func setState(_ newState: MazeState) {
        state = newState
    }
}
