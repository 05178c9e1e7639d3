/// One of N parts of a seed list, for running an experiment as a cluster job array: part K (1-based) holds the
/// K-th of N contiguous blocks, sizes differing by at most one, so concatenating the parts' rows in K order
/// gives exactly the single run's rows.
public struct Shard: Equatable, Codable, Sendable, CustomStringConvertible {
    /// 1...count.
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) throws(ShardError) {
        guard count >= 1, (1...count).contains(index) else { throw .outOfRange(index: index, count: count) }
        self.index = index
        self.count = count
    }

    public var description: String { "\(index)/\(count)" }

    /// Parses `K/N`. - Throws: `ShardError` quoting the text.
    public init(parsing text: String) throws(ShardError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else { throw .syntax(text) }
        try self.init(index: index, count: count)
    }

    /// The shard a cluster scheduler assigned to this process, from its environment:
    /// - Slurm job array: `SLURM_ARRAY_TASK_ID` counted from `SLURM_ARRAY_TASK_MIN` (arrays may start at 0 or 1),
    ///   `SLURM_ARRAY_TASK_COUNT` parts;
    /// - Kubernetes Indexed Job: `JOB_COMPLETION_INDEX` (0-based) with `count` given by the caller (the Job's
    ///   `completions`, which Kubernetes does not put in the environment).
    /// - Returns: nil when neither is present. - Throws: `ShardError` for inconsistent values.
    public static func fromEnvironment(_ environment: [String: String], count: Int? = nil) throws(ShardError) -> Shard? {
        if let id = environment["SLURM_ARRAY_TASK_ID"] {
            guard let task = Int(id), let total = environment["SLURM_ARRAY_TASK_COUNT"].flatMap(Int.init) ?? count else {
                throw .environment("SLURM_ARRAY_TASK_ID=\(id) needs SLURM_ARRAY_TASK_COUNT (or give --shard K/N)")
            }
            let minimum = environment["SLURM_ARRAY_TASK_MIN"].flatMap(Int.init) ?? 0
            return try Shard(index: task - minimum + 1, count: total)
        }
        if let id = environment["JOB_COMPLETION_INDEX"] {
            guard let index = Int(id) else { throw .environment("JOB_COMPLETION_INDEX=\(id) is not a number") }
            guard let count else {
                throw .environment("JOB_COMPLETION_INDEX=\(id): give the number of parts with --shard auto/N")
            }
            return try Shard(index: index + 1, count: count)
        }
        return nil
    }

    /// This shard's block of `items`.
    public func part<T>(of items: [T]) -> [T] {
        Array(items[range(of: items.count)])
    }

    /// Index range of this shard's block among `total` items.
    public func range(of total: Int) -> Range<Int> {
        let start = total * (index - 1) / count, end = total * index / count
        return start..<end
    }
}

public enum ShardError: Error, Equatable, CustomStringConvertible {
    case syntax(String)
    case outOfRange(index: Int, count: Int)
    case environment(String)

    public var description: String {
        switch self {
        case let .syntax(text): return "--shard '\(text)': write K/N with 1 <= K <= N, e.g. 2/8"
        case let .outOfRange(index, count): return "shard \(index)/\(count): K must lie in 1...N and N be at least 1"
        case let .environment(text): return text
        }
    }
}
