import MazerenderCLI
import Testing

@Suite("mazerender dataset options")
struct DatasetCommandTests {
    @Test("--maze-sizes takes ranges within 3...25; bad ranges are refused with the option named")
    func mazeSizes() throws {
        for good in ["19...25", "7..9", "25"] {
            #expect(throws: Never.self) { _ = try Mazerender.parseAsRoot(["dataset", "--seeds", "0..9", "--maze-sizes", good, "--out", "/tmp/never"]) }
        }
        for bad in ["1...25", "19...27", "25...19", "x", "19...", ""] {
            do {
                _ = try Mazerender.parseAsRoot(["dataset", "--seeds", "0..9", "--maze-sizes", bad, "--out", "/tmp/never"])
                Issue.record("--maze-sizes \(bad) parsed")
            } catch {
                #expect(Mazerender.exitCode(for: error).rawValue == 64)
                #expect(Mazerender.message(for: error).contains("--maze-sizes"), "\(Mazerender.message(for: error))")
            }
        }
    }
}
