import FigureJobs
import MazeRendering
import OutputFiles
import Testing

/// What a figure's picture records: the template's seeds (each once, runs shortened), its patches (each once, in
/// order) and its title, over the context's version, command line and model.
@Suite("figure metadata")
struct FigureMetadataTests {
    @Test("seeds and patches of all panels, each once; the title first, on one line")
    func entries() {
        var panels = [0, 1, 2, 54, 1].map { PanelTemplate(kind: .vfield, seed: Int32($0)) }
        panels[1].patches = ["cheese:coeff=-1"]
        panels[3].patches = ["cheese:coeff=-1", "ablate:channels=5"]
        let template = FigureTemplate(title: "Two\nlines", panels: panels)
        let provenance = Provenance(command: ["mazerender", "figure", "t.json", "--out", "f.png"], model: "/m/agent.pth",
                                    modelSHA256: String(repeating: "ab", count: 32))
        let entries = FigureJobs.metadata(of: template, provenance: provenance).map { "\($0.key): \($0.value)" }
        #expect(entries == [
            "Title: Two lines",
            "Software: mazerender \(MazerenderVersion.string)",
            "Command: mazerender figure t.json --out f.png",
            "Model: agent.pth (sha256 abababababab)",
            "Seeds: 0..2,54",
            "Patches: cheese:coeff=-1; ablate:channels=5",
        ])
        let untitled = FigureTemplate(panels: [PanelTemplate(kind: .vfield, seed: 3)])
        #expect(FigureJobs.metadata(of: untitled, provenance: Provenance()).map(\.key) == ["Software", "Seeds"])
    }
}
