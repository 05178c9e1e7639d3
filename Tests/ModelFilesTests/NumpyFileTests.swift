import Foundation
import ModelFiles
import Tensors
import Testing

@Suite struct NumpyFileTests {
    @Test func readsTheReferenceObservations() throws {
        let array = try NumpyFile.read(contentsOf: Fixtures.observations)
        guard case let .uint8(shape, values) = array else { Issue.record("expected uint8"); return }
        #expect(shape == [8, 64, 64, 3])
        // Observation 0 is all zeros, observation 1 all 255 (obs_manifest.json).
        #expect(values[0..<12288].allSatisfy { $0 == 0 })
        #expect(values[12288..<24576].allSatisfy { $0 == 255 })
        #expect(values.reduce(0) { $0 + Int($1) } > 3_133_440)
    }

    @Test(arguments: [[Int](), [5], [2, 3], [2, 3, 4, 5]])
    func float32AndUInt8RoundTrip(shape: [Int]) throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let count = shape.reduce(1, *)
        let floats = NumpyArray.float32(shape: shape, values: (0..<count).map { Float($0) * 0.25 - 1.5 })
        let bytes = NumpyArray.uint8(shape: shape, values: (0..<count).map { UInt8($0 % 256) })
        for array in [floats, bytes] {
            let file = dir.appendingPathComponent("a.npy")
            try NumpyFile.write(array, to: file)
            try NumpyFile.write(array, to: file) // overwriting an existing file works
            #expect(try NumpyFile.read(contentsOf: file) == array)
            let raw = try [UInt8](Data(contentsOf: file))
            let headerLength = Int(raw[8]) | Int(raw[9]) << 8
            #expect((10 + headerLength) % 64 == 0)
            #expect(raw[10 + headerLength - 1] == 0x0A)
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(leftovers == ["a.npy"])
    }

    @Test func numpyReadsWhatWeWrite() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("t.npy")
        try NumpyFile.write(Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6.5]), to: file)
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", "import numpy,sys; a=numpy.load(sys.argv[1]); "
            + "assert a.dtype==numpy.float32 and a.shape==(2,3) and a[1,2]==6.5", file.path]
        guard (try? python.run()) != nil else { return } // numpy is optional on a developer machine
        python.waitUntilExit()
        #expect(python.terminationStatus == 0)
    }

    @Test func aShapeThatDoesNotMatchTheValuesIsRefused() {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("never-written.npy")
        #expect {
            try NumpyFile.write(.float32(shape: [2, 2], values: [1, 2, 3]), to: file)
        } throws: { error in
            if case .unwritable = error as? ModelFileError { return true }
            return false
        }
        #expect(!FileManager.default.fileExists(atPath: file.path))
    }
}
