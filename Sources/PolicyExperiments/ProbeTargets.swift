import MazeSimulation
import Statistics

/// What a linear probe predicts from a sample, with the fitting settings procgen-tools' `probing_main`
/// notebook used for it. Cells are world-grid cells (procgen-tools' `full_grid()`: x to the right, y up, the
/// whole 25x25 world including the sand around smaller mazes).
public enum ProbeTarget: Hashable, Sendable, CustomStringConvertible {
    /// The world cell is open (`full_grid()[y, x] != BLOCKED`); the notebook probes (x 13, y 12).
    case squareOpen(WorldPoint)
    /// The cheese sits on the world cell; the notebook probes the data set's most common cheese cell.
    case cheeseAt(WorldPoint)
    /// The cheese's world x / y (ridge regression).
    case cheeseX, cheeseY
    /// The episode ended on the cheese (`did_get_cheese`).
    case reachedCheese

    /// Names accepted by `--targets`, in the default order.
    public static let names = ["square-open", "cheese-at", "cheese-x", "cheese-y", "got-cheese"]

    /// The notebook's square: full_grid index (12, 13), i.e. y 12, x 13 (inside mazes of every size).
    public static let defaultSquare = WorldPoint(x: 13, y: 12)

    public var name: String {
        switch self {
        case .squareOpen: "square-open"
        case .cheeseAt: "cheese-at"
        case .cheeseX: "cheese-x"
        case .cheeseY: "cheese-y"
        case .reachedCheese: "got-cheese"
        }
    }

    /// The name with its cell, e.g. `square-open(13,12)`.
    public var description: String {
        switch self {
        case .squareOpen(let cell), .cheeseAt(let cell): "\(name)(\(cell.x),\(cell.y))"
        default: name
        }
    }

    public var isClassification: Bool {
        switch self {
        case .cheeseX, .cheeseY: false
        default: true
        }
    }

    /// The notebook's K values for this target.
    public var defaultKs: [Int] {
        switch self {
        case .squareOpen: [1, 10, 50, 100, 1000]
        case .cheeseAt: [1, 5, 10, 25, 100]
        case .cheeseX, .cheeseY: [1, 10, 100, 1000]
        case .reachedCheese: [1, 10, 20, 100, 1000]
        }
    }

    /// The notebook's regularisation: logistic `C` (10 for the maze-layout targets, 1 for `got-cheese`) or
    /// ridge `alpha` (100).
    public var defaultRegularization: Double {
        switch self {
        case .squareOpen, .cheeseAt: 10
        case .reachedCheese: 1
        case .cheeseX, .cheeseY: 100
        }
    }

    /// The class label (classification targets).
    public func label(_ sample: ProbeSample) -> Bool {
        switch self {
        case .squareOpen(let cell): !sample.state.isWall(cell)
        case .cheeseAt(let cell): sample.state.cheese == cell
        case .reachedCheese: sample.reachedCheese
        case .cheeseX, .cheeseY: preconditionFailure("\(name) is a regression target")
        }
    }

    /// The numeric value (regression targets); -1 where the sample has no cheese (never for probe samples,
    /// which are taken before the cheese is eaten).
    public func value(_ sample: ProbeSample) -> Double {
        switch self {
        case .cheeseX: Double(sample.state.cheese?.x ?? -1)
        case .cheeseY: Double(sample.state.cheese?.y ?? -1)
        default: label(sample) ? 1 : 0
        }
    }

    /// The most common cheese cell over `samples`; ties go to the lower (y, x), as numpy's `unique` orders
    /// them before `argmax` picks the first.
    public static func modalCheeseCell(_ samples: [ProbeSample]) -> WorldPoint? {
        var counts: [WorldPoint: Int] = [:]
        for sample in samples { if let cheese = sample.state.cheese { counts[cheese, default: 0] += 1 } }
        return counts.max { a, b in
            a.value != b.value ? a.value < b.value : (a.key.y, a.key.x) > (b.key.y, b.key.x)
        }?.key
    }
}
