import Foundation
import MazeSimulation
import Testing

/// Seed lists are limited to `SeedList.maximumCount` seeds, checked from each range's bounds before any seed
/// is stored (`0..2147483647` once allocated 2^31 seeds, 8 GiB).
@Suite("Seed list limits")
struct SeedListLimitTests {
    @Test("ranges past the limit are refused at once", arguments: [
        "0..2147483647", "0...2147483647", "0..<2147483647", "5,0..<1000000", "0..999999,1000000", "0..600000,0..600000",
    ])
    func refused(text: String) {
        let start = Date()
        #expect { try SeedList(text) } throws: { error in
            let message = "\(error)"
            return message.contains("at most 1000000") && !message.contains("\n")
        }
        #expect(Date().timeIntervalSince(start) < 1)
    }

    @Test func exactlyTheLimitIsAccepted() throws {
        let list = try SeedList("1000..<1001000")
        #expect(list.seeds.count == SeedList.maximumCount && list.seeds.first == 1000 && list.seeds.last == 1_000_999)
    }
}
