/// A failure the user can act on: one line naming the seed, file, key or option, and what to do.
public struct JobError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ message: String) { description = message }
}
