import JobSupport
import Testing

@Suite("job errors name settings, and each front end names them its own way")
struct JobErrorTests {
    static func cli(_ setting: JobSetting) -> String { "--" + setting.rawValue }

    @Test func aSettingLeadsTheLineAndReferencesInsideAreRenamed() {
        let error = JobError(.out, "/data/run holds an unfinished run; add \(setting: .resume) to finish it")
        #expect(error.description == "out /data/run holds an unfinished run; add resume to finish it")
        #expect(error.text(naming: Self.cli) == "--out /data/run holds an unfinished run; add --resume to finish it")
        #expect(error.setting == .out)
    }

    @Test func aColonFollowsTheSettingDirectlyAndPlainTextStaysPlain() {
        #expect(JobError(.targets, ": a probe could not be fitted").text(naming: Self.cli) == "--targets: a probe could not be fitted")
        #expect(JobError("seed 3 has no cheese").text(naming: Self.cli) == "seed 3 has no cheese")
        let variable = "taken from another layer's error: --not-a-setting"
        #expect(JobError(variable).text(naming: Self.cli) == variable)
    }

    @Test func prefixedKeepsTheSettingsApart() {
        let inner = JobError(.patches, "x: not a patch; see \(setting: .layer)")
        let outer = inner.prefixed("variant 'v' on seed 3")
        #expect(outer.text(naming: Self.cli) == "variant 'v' on seed 3: --patches x: not a patch; see --layer")
        #expect(outer.description == "variant 'v' on seed 3: patches x: not a patch; see layer")
    }

    @Test func messagesJoinAcrossLinesWithTheirSettings() {
        let error = JobError(.samples, "3: too few " + "for \(setting: .targets)")
        #expect(error.text(naming: Self.cli) == "--samples 3: too few for --targets")
    }
}
