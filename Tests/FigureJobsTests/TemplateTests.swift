import CairoGraphics
import FigureJobs
import Foundation
import ImpalaPolicy
import JobSupport
import MazeObservation
import MazeRendering
import TestSupport
import Testing

@Suite("Figure templates")
struct TemplateTests {
    static let shipped: [String] = (try? FileManager.default.contentsOfDirectory(atPath: PackagePaths.templateDirectory.path))?
        .filter { $0.hasSuffix(".json") }.sorted() ?? []

    @Test func theTemplatesOfThePostsShip() {
        for name in ["seed0-vector-field.json", "cheese-vector-seed54.json", "top-right-vector-seed0.json",
                     "channel55-cheese-locations.json", "channel55-retargeting.json"] {
            #expect(Self.shipped.contains(name), "Templates/\(name) is missing")
        }
    }

    /// A random-weight network wide enough for channel 55 (scale 2: 64 channels at block 2).
    static let context: Result<FigureContext, Error> = Result {
        try FigureContext(network: ImpalaNetwork.randomlyInitialized(scale: 2, seed: 7), renderer: SharedFixtures.renderer())
    }

    @Test(arguments: shipped) func everyShippedTemplateRenders(name: String) throws {
        let template = try FigureTemplate.load(path: PackagePaths.templateDirectory.appendingPathComponent(name).path)
        let directory = ProcessInfo.processInfo.environment["MAZERENDER_KEEP_RENDERS"] ?? FileManager.default.temporaryDirectory.path
        let base = (directory as NSString).appendingPathComponent((name as NSString).deletingPathExtension)
        for ext in ["png", "pdf", "svg"] {
            let summary = try FigureJobs.write(template, context: try Self.context.get(), to: "\(base).\(ext)")
            #expect(summary.width > 0 && FileManager.default.fileExists(atPath: "\(base).\(ext)"))
            if template.panels.contains(where: { $0.kind == .vfieldDiff }) { #expect(summary.meanTotalVariation != nil) }
            if ProcessInfo.processInfo.environment["MAZERENDER_KEEP_RENDERS"] == nil { try? FileManager.default.removeItem(atPath: "\(base).\(ext)") }
        }
    }

    @Test func unknownFieldsAreErrorsNamingTheField() throws {
        let json = #"{"panels": [{"kind": "vfield", "seed": 0}, {"kind": "heatmap", "seed": 0, "chanel": 55}]}"#
        #expect {
            _ = try FigureTemplate.decode(Data(json.utf8), source: "t.json")
        } throws: { error in
            let text = "\(error)"
            return text.contains("t.json") && text.contains("panels[1].chanel") && text.contains("unknown field")
        }
        let top = #"{"panels": [{"kind": "maze", "seed": 0}], "colums": 2}"#
        #expect(throws: FigureTemplateError(source: "t.json", field: "colums", message:
            "unknown field 'colums'; known fields: title, caption, panelSize, columns, panels")) {
            _ = try FigureTemplate.decode(Data(top.utf8), source: "t.json")
        }
    }

    @Test func unknownKindsAndOverlaysAreErrorsListingTheValidOnes() {
        let kind = #"{"panels": [{"kind": "vectorfield", "seed": 0}]}"#
        #expect {
            _ = try FigureTemplate.decode(Data(kind.utf8), source: "t.json")
        } throws: { "\($0)".contains("panels[0].kind") && "\($0)".contains("vfield-diff") }
        let overlay = #"{"panels": [{"kind": "maze", "seed": 0, "overlays": ["decision-square", "dot"]}]}"#
        #expect {
            _ = try FigureTemplate.decode(Data(overlay.utf8), source: "t.json")
        } throws: { "\($0)".contains("panels[0].overlays[1]") && "\($0)".contains("top-right-region") }
    }

    @Test func crossFieldRulesAreChecked() {
        let noChannel = #"{"panels": [{"kind": "heatmap", "seed": 0}]}"#
        #expect { _ = try FigureTemplate.decode(Data(noChannel.utf8), source: "t.json") } throws: { "\($0)".contains("panels[0].channel") }
        let noPatch = #"{"panels": [{"kind": "vfield-diff", "seed": 0}]}"#
        #expect { _ = try FigureTemplate.decode(Data(noPatch.utf8), source: "t.json") } throws: { "\($0)".contains("panels[0].patches") }
        let wrongType = #"{"panels": [{"kind": "maze", "seed": "zero"}]}"#
        #expect { _ = try FigureTemplate.decode(Data(wrongType.utf8), source: "t.json") } throws: { "\($0)".contains("panels[0].seed") }
    }

    @Test func outputIsCheckedBeforeAnyWork() throws {
        #expect(throws: JobError.self) { _ = try FigureJobs.checkOutput("/tmp/figure.jpg") }
        #expect(throws: JobError.self) { _ = try FigureJobs.checkOutput("/nonexistent-directory/figure.png") }
        #expect(try FigureJobs.checkOutput("/tmp/figure.PDF") == .pdf)
    }
}
