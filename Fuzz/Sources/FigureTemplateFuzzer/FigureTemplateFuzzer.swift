import ActivationPatching
import CLibFuzzer
import Foundation
import MazeRendering

/// Figure templates (JSON), and the patch SPECs of every panel of a template that decodes.
func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Data(UnsafeBufferPointer(start: data, count: size))
    guard let template = try? FigureTemplate.decode(bytes, source: "fuzz.json") else { return 0 }
    precondition(template.panels.count <= FigureTemplate.maximumPanels)
    for panel in template.panels {
        for patch in panel.patches ?? [] { _ = try? PatchSpec(parsing: patch) }
    }
    return 0
}

// MARK: - libFuzzer entry points

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    fuzzOneInput(data ?? UnsafePointer(bitPattern: 1)!, size)
}

/// SwiftPM links an executable with `main` defined as `<target>_main`: start libFuzzer's driver from there.
@_cdecl("FigureTemplateFuzzer_main")
public func fuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var values = argv
    return LLVMFuzzerRunDriver(&count, &values) { data, size in testOneInput(data, size) }
}
