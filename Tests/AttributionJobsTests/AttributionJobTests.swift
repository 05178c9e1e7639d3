import AttributionJobs
import Foundation
import JobSupport
import MazeSimulation
import TestSupport
import Testing

/// The attribution jobs driven directly, as the explorer or a Swift caller would.
@Suite(.serialized) struct AttributionJobTests {
    @Test func settingsAreCheckedBeforeAnyWorkAndNamed() throws {
        func setting(_ job: AttributeJob) -> JobSetting? {
            do { _ = try job.validate() } catch let error as JobError { return error.setting } catch { return nil }
            return nil
        }
        #expect(setting(AttributeJob(seed: 0, target: "sideways", out: "a.npy")) == .target)
        #expect(setting(AttributeJob(seed: 0, target: "up", steps: 1, integration: .riemannTrapezoid, out: "a.npy")) == .steps)
        #expect(setting(AttributeJob(seed: 0, target: "up", layer: "embedder.block4.conv_out", out: "a.npy")) == .layer)
        #expect(setting(AttributeJob(seed: 0, target: "up", out: "a.csv")) == .out)
        #expect(setting(AttributeJob(seed: 0, target: "up", baseline: .mean, meanSeeds: [], out: "a.npy")) == .baseline)
        #expect(throws: Never.self) { try AttributeJob(seed: 0, target: "logit:14", method: .gradient, out: "a.json").validate() }
    }

    @Test func theNoCheeseBaselineNeedsCheese() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let job = AttributeJob(seed: 0, target: "up", baseline: .noCheese, steps: 4, edits: MazeEdits(removeCheese: true),
                               out: scratch.file("a.npy"))
        #expect(throws: JobError.self) { try job.run(in: SharedFixtures.context()) }
        #expect(try scratch.contents().isEmpty)
    }

    @Test func aPatchedValueMapHasThreePanelsAndAPlainOneOne() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let plain = try ValueMapJob(seed: 5, out: scratch.file("plain.svg")).run(in: SharedFixtures.context())
        let patched = try ValueMapJob(seed: 5, patches: ["ablate:channels=all,mode=zero"], out: scratch.file("patched.svg"))
            .run(in: SharedFixtures.context())
        #expect(plain.patched == nil && plain.plain.positions == patched.plain.positions)
        // Every channel of the default site zeroed: the patched values no longer depend on the mouse's position
        // through that site, so they are one value everywhere.
        let values = try #require(patched.patched?.values)
        #expect(values.allSatisfy { abs($0 - values[0]) <= 1e-5 })
        func width(_ name: String) throws -> Double {
            let svg = try String(contentsOfFile: scratch.file(name), encoding: .utf8)
            let range = try #require(svg.range(of: #"width="([0-9.]+)"#, options: .regularExpression))
            return Double(svg[range].dropFirst(7).dropLast())!
        }
        #expect(try width("patched.svg") > 2.5 * width("plain.svg"))
    }
}
