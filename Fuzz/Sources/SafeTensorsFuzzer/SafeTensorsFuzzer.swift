import CLibFuzzer
import ModelFiles

/// Small enough that whatever the limits allow stays far below the fuzzer's -rss_limit_mb.
let limits = CheckpointLimits(maximumElements: 1 << 22, maximumBytes: 1 << 24)

/// `CheckpointReader.loadStateDict(bytes:)`, the reader behind every `--model` option, on whatever the fuzzer
/// makes of the SafeTensors seeds in Fuzz/Corpus/SafeTensorsFuzzer.
func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? CheckpointReader.loadStateDict(bytes: bytes, file: "fuzz.safetensors", limits: limits)
    return 0
}

// MARK: - libFuzzer entry points

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    fuzzOneInput(data ?? UnsafePointer(bitPattern: 1)!, size)
}

/// SwiftPM links an executable with `main` defined as `<target>_main`: start libFuzzer's driver from there.
@_cdecl("SafeTensorsFuzzer_main")
public func fuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var values = argv
    return LLVMFuzzerRunDriver(&count, &values) { data, size in testOneInput(data, size) }
}
