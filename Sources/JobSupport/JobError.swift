/// A setting of a job: what the caller chose (the seeds, the output, a coefficient). Jobs name settings, never
/// command-line flags; a front end maps each setting to its own word for it (the CLI to `--max-steps`, the
/// explorer to a query field, a Swift caller reads `maxSteps`).
public enum JobSetting: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case model, seeds, out, resume, maxSteps, coefficients, mazeSizes, json
    case layer, channels, top, mapSeeds, samples, pool, conditions, targets, value, background, maxSize, heatmaps, mode
    case trace, patches, overwrite
    case target, method, baseline, steps
    case attribution
    case sweep, from, to, frames, fps, data
    case models, plot, levels

    /// The setting's name as a Swift caller writes it (`maxSteps`).
    public var description: String { rawValue }
}

/// A failure the user can act on: one line naming the seed, file, key or setting, and what to do.
///
/// The message may refer to settings (`\(setting: .resume)`); `description` writes them with their Swift names,
/// and `text(naming:)` lets a front end write them its own way, e.g. the CLI's `--resume`:
///
///     throw JobError(.maxSteps, "\(maxSteps) must be at least 1")
///     // description: "maxSteps 0 must be at least 1"; the CLI prints "--max-steps 0 must be at least 1"
public struct JobError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The setting the failure is about (written first), or nil when it is about a seed, a file or the data.
    public let setting: JobSetting?
    /// The rest of the line, with references to settings kept apart so a front end can name them.
    public let message: JobMessage

    /// A failure that is not about one setting.
    public init(_ message: JobMessage) {
        setting = nil
        self.message = message
    }

    /// A failure about `setting`: the line reads "SETTING MESSAGE".
    public init(_ setting: JobSetting, _ message: JobMessage) {
        self.setting = setting
        self.message = message
    }

    /// A failure described by plain text (another layer's error, for example).
    public init(_ text: String) { self.init(JobMessage(text)) }

    /// A failure about `setting` described by plain text.
    public init(_ setting: JobSetting, _ text: String) { self.init(setting, JobMessage(text)) }

    /// The same failure with `context` first (`"variant 'x' on seed 3: "` + this line), its settings kept apart.
    public func prefixed(_ context: String) -> JobError {
        var whole = JobMessage(context + ": ")
        if let setting {
            whole = whole + "\(setting: setting)" + (message.startsWithSeparator ? "" : " ")
        }
        return JobError(whole + message)
    }

    /// The same failure with `more` after it (`"...; kept 12 levels"`), its setting kept.
    public func suffixed(_ more: JobMessage) -> JobError {
        setting.map { JobError($0, message + more) } ?? JobError(message + more)
    }

    /// The line with every setting named by `name` (a front end's word for it).
    public func text(naming name: (JobSetting) -> String) -> String {
        let rest = message.text(naming: name)
        guard let setting else { return rest }
        return rest.isEmpty ? name(setting) : name(setting) + (message.startsWithSeparator ? "" : " ") + rest
    }

    /// The line with settings named as a Swift caller writes them.
    public var description: String { text(naming: \.description) }
}

/// Text that may mention settings; written with string interpolation (`"add \(setting: .resume) to finish it"`).
public struct JobMessage: Sendable, Equatable, ExpressibleByStringInterpolation, CustomStringConvertible {
    enum Part: Sendable, Equatable {
        case text(String)
        case setting(JobSetting)
    }

    var parts: [Part]

    public init(stringLiteral value: String) { parts = [.text(value)] }

    /// Plain text, mentioning no setting.
    public init(_ text: String) { parts = [.text(text)] }

    public init(stringInterpolation: Interpolation) { parts = stringInterpolation.parts }

    public struct Interpolation: StringInterpolationProtocol {
        var parts: [Part] = []

        public init(literalCapacity: Int, interpolationCount: Int) {}

        public mutating func appendLiteral(_ literal: String) { append(literal) }

        public mutating func appendInterpolation(_ value: some Any) { append(String(describing: value)) }

        /// A reference to a setting, written in the front end's words.
        public mutating func appendInterpolation(setting: JobSetting) { parts.append(.setting(setting)) }

        private mutating func append(_ text: String) {
            if case let .text(last)? = parts.last {
                parts[parts.count - 1] = .text(last + text)
            } else {
                parts.append(.text(text))
            }
        }
    }

    /// Whether the text starts with `:`, written right after a setting's name without a space.
    var startsWithSeparator: Bool {
        guard case let .text(first)? = parts.first else { return false }
        return first.hasPrefix(":")
    }

    /// The two messages one after the other (for long messages split over lines).
    public static func + (lhs: JobMessage, rhs: JobMessage) -> JobMessage {
        var joined = JobMessage(stringLiteral: "")
        joined.parts = []
        var interpolation = Interpolation(literalCapacity: 0, interpolationCount: 0)
        for part in lhs.parts + rhs.parts {
            switch part {
            case let .text(text): interpolation.appendLiteral(text)
            case let .setting(setting): interpolation.appendInterpolation(setting: setting)
            }
        }
        joined.parts = interpolation.parts
        return joined
    }

    /// The text with each setting written by `name`.
    public func text(naming name: (JobSetting) -> String) -> String {
        parts.map { part in
            switch part {
            case let .text(text): text
            case let .setting(setting): name(setting)
            }
        }.joined()
    }

    public var description: String { text(naming: \.description) }
}
