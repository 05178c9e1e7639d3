import ArgumentParser
import JobSupport

/// The only place that turns the jobs' settings into this program's option names.
extension JobSetting {
    /// The option a user types for this setting, e.g. `--max-steps` for `maxSteps`.
    public var optionName: String {
        switch self {
        case .coefficients: return "--coeffs"
        case .patches: return "--patch"
        case .background: return "--default"
        default:
            // camelCase to kebab-case: maxSteps -> --max-steps.
            var name = "--"
            for character in rawValue {
                if character.isUppercase {
                    name += "-" + character.lowercased()
                } else {
                    name.append(character)
                }
            }
            return name
        }
    }
}

extension JobError {
    /// The error's line with settings written as options (`--max-steps 0 must be at least 1`).
    public var cliText: String { text(naming: \.optionName) }
}

/// A job's failure as the command line reports it: the line in option names, exit status 1.
public struct CommandFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ error: JobError) { description = error.cliText }
}

/// A usage error (exit 64) from any failure found while checking options: a job's error in option names, any
/// other error by its own one-line description.
func usageError(_ error: any Error) -> ValidationError {
    if let error = error as? JobError { return ValidationError(error.cliText) }
    return ValidationError(String(describing: error))
}
