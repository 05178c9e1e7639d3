import CLibFuzzer
import VideoJobs

/// `rollout --variants` syntax: `original`, `NAME=SPEC`, specs joined by `;`.
func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let variant = try? RolloutVariantSpec(parsing: text) {
        _ = variant.description
    }
    return 0
}

// MARK: - libFuzzer entry points

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    fuzzOneInput(data ?? UnsafePointer(bitPattern: 1)!, size)
}

/// SwiftPM links an executable with `main` defined as `<target>_main`: start libFuzzer's driver from there.
@_cdecl("VariantSpecFuzzer_main")
public func fuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var values = argv
    return LLVMFuzzerRunDriver(&count, &values) { data, size in testOneInput(data, size) }
}
