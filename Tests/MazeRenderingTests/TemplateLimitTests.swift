import Foundation
import MazeRendering
import Testing

/// Templates that ask for more than a figure can use are refused with one line naming the field, before the
/// memory they ask for is allocated (see `FigureTemplate.maximumFileBytes`, `.maximumPanels`,
/// `.maximumGridPixels`).
@Suite("Figure template limits")
struct TemplateLimitTests {
    static func panels(_ count: Int) -> String {
        "[" + Array(repeating: #"{"kind":"maze","seed":0}"#, count: count).joined(separator: ",") + "]"
    }

    static func refusal(_ json: String) -> FigureTemplateError? {
        do {
            _ = try FigureTemplate.decode(Data(json.utf8), source: "t.json")
            return nil
        } catch {
            return error
        }
    }

    @Test func aMillionPanelsAreRefusedBeforeTheyAreDecoded() {
        let json = #"{"panels": "# + Self.panels(1_000_000) + "}"
        let start = Date()
        let error = Self.refusal(json)
        #expect(error?.source == "t.json" && error?.message.contains("\(FigureTemplate.maximumFileBytes) bytes") == true)
        #expect(Date().timeIntervalSince(start) < 5)
        #expect(!"\(error!)".contains("\n"))
    }

    @Test func moreThanTheMostPanelsNamesThePanelsField() {
        let error = Self.refusal(#"{"panels": "# + Self.panels(FigureTemplate.maximumPanels + 1) + "}")
        #expect(error?.field == "panels" && error?.message.contains("at most \(FigureTemplate.maximumPanels)") == true)
        #expect(Self.refusal(#"{"panels": "# + Self.panels(FigureTemplate.maximumPanels) + "}") == nil)
    }

    @Test func aPanelGridOverTheMostPixelsIsRefused() {
        // 8 panels of 4096 px in one row: 134 million pixels (512 MiB as ARGB) before any margin.
        let error = Self.refusal(#"{"panelSize": 4096, "panels": "# + Self.panels(8) + "}")
        #expect(error?.field == "panelSize")
        #expect(Self.refusal(#"{"panelSize": 4096, "panels": "# + Self.panels(4) + "}") == nil)
        #expect(Self.refusal(#"{"panelSize": 1024, "columns": 8, "panels": "# + Self.panels(64) + "}") == nil)
    }

    @Test func anEndlessFileIsReadOnlyUpToTheLimit() throws {
        #expect {
            try FigureTemplate.load(path: "/dev/zero")
        } throws: { error in
            guard let error = error as? FigureTemplateError else { return false }
            return error.source == "/dev/zero" && error.message.contains("at most")
        }
    }
}
