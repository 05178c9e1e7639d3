import CLibFuzzer
import ModelFiles

/// The safe unpickler on a zip checkpoint's `data.pkl`, with the tensors it describes materialised from eight
/// 16 KiB storages keyed "0" ... "7" (as torch names them), so shapes, strides and offsets are exercised too.
let storages: [String: [UInt8]] = Dictionary(uniqueKeysWithValues: (0..<8).map { index in
    (String(index), (0..<(16 << 10)).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ index) })
})

/// Small enough that whatever the limits allow stays far below the fuzzer's -rss_limit_mb.
let limits = CheckpointLimits(maximumElements: 1 << 22, maximumBytes: 1 << 24)

func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var unpickler = SafeUnpickler(bytes: bytes, file: "fuzz.pkl")
    _ = try? unpickler.load()
    _ = try? CheckpointReader.loadStateDict(pickle: bytes, storages: storages, file: "fuzz.pkl", limits: limits)
    return 0
}

// MARK: - libFuzzer entry points

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    fuzzOneInput(data ?? UnsafePointer(bitPattern: 1)!, size)
}

/// SwiftPM links an executable with `main` defined as `<target>_main`: start libFuzzer's driver from there.
@_cdecl("PickleFuzzer_main")
public func fuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var values = argv
    return LLVMFuzzerRunDriver(&count, &values) { data, size in testOneInput(data, size) }
}
