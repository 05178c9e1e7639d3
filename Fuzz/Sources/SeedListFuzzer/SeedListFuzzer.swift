import CLibFuzzer
import MazeSimulation

/// `--seeds` syntax: every list that parses holds at most `SeedList.maximumCount` seeds, all non-negative.
func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let list = try? SeedList(text) {
        precondition(list.seeds.count <= SeedList.maximumCount && list.seeds.allSatisfy { $0 >= 0 })
    }
    return 0
}

// MARK: - libFuzzer entry points

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    fuzzOneInput(data ?? UnsafePointer(bitPattern: 1)!, size)
}

/// SwiftPM links an executable with `main` defined as `<target>_main`: start libFuzzer's driver from there.
@_cdecl("SeedListFuzzer_main")
public func fuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var values = argv
    return LLVMFuzzerRunDriver(&count, &values) { data, size in testOneInput(data, size) }
}
