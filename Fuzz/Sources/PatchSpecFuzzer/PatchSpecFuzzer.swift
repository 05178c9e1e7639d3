import ActivationPatching
import CLibFuzzer
import Foundation

/// Patch SPECs: the text form (`cheese:coeff=-1`) and, for inputs starting with `{`, the JSON form. A spec that
/// parses must print as text that parses again.
func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let buffer = UnsafeBufferPointer(start: data, count: size)
    if buffer.first == UInt8(ascii: "{") {
        if let spec = try? JSONDecoder().decode(PatchSpec.self, from: Data(buffer)) {
            _ = try? JSONEncoder().encode(spec)
            _ = spec.channels.map { try? $0.indices(count: 128, layer: "fuzz") }
        }
        return 0
    }
    let text = String(decoding: buffer, as: UTF8.self)
    if let spec = try? PatchSpec(parsing: text) {
        _ = try? PatchSpec(parsing: spec.description)
        _ = spec.channels.map { try? $0.indices(count: 128, layer: "fuzz") }
    }
    return 0
}

// MARK: - libFuzzer entry points

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    fuzzOneInput(data ?? UnsafePointer(bitPattern: 1)!, size)
}

/// SwiftPM links an executable with `main` defined as `<target>_main`: start libFuzzer's driver from there.
@_cdecl("PatchSpecFuzzer_main")
public func fuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var values = argv
    return LLVMFuzzerRunDriver(&count, &values) { data, size in testOneInput(data, size) }
}
