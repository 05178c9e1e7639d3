import Foundation
import ModelFiles
import Testing

@Suite("streamed .npy files")
struct NumpyStreamWriterTests {
    @Test("rows streamed in equal the array written whole; the header is aligned and names the row count")
    func streamedEqualsWhole() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let values = (0..<(37 * 4)).map { Float($0) * 0.25 - 3 }
        let writer = try NumpyStreamWriter(path: dir.appendingPathComponent("s.npy").path, elementType: .float32,
                                           rowShape: [4])
        for row in 0..<37 { try writer.append(Array(values[(4 * row)..<(4 * row + 4)])) }
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("s.npy").path) == false)
        try writer.finish()
        let read = try NumpyFile.read(contentsOf: dir.appendingPathComponent("s.npy"))
        #expect(read == .float32(shape: [37, 4], values: values))
        let raw = try [UInt8](Data(contentsOf: dir.appendingPathComponent("s.npy")))
        let headerLength = Int(raw[8]) | Int(raw[9]) << 8
        #expect((10 + headerLength) % 64 == 0 && raw[10 + headerLength - 1] == 0x0A)
        #expect(String(decoding: raw[10..<(10 + headerLength)], as: UTF8.self).contains("'shape': (37, 4)"))

        let bytes = try NumpyStreamWriter(path: dir.appendingPathComponent("b.npy").path, elementType: .uint8, rowShape: [])
        try bytes.append([1, 2, 3] as [UInt8])
        try bytes.append([4] as [UInt8])
        try bytes.finish()
        #expect(try NumpyFile.read(contentsOf: dir.appendingPathComponent("b.npy")) == .uint8(shape: [4], values: [1, 2, 3, 4]))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["b.npy", "s.npy"])
    }

    @Test("numpy reads a streamed file")
    func numpyReadsIt() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("o.npy").path
        let writer = try NumpyStreamWriter(path: path, elementType: .uint8, rowShape: [2, 3])
        for row in 0..<5 { try writer.append((0..<6).map { UInt8(row * 10 + $0) }) }
        try writer.finish()
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", "import numpy,sys; a=numpy.load(sys.argv[1]); "
            + "assert a.dtype==numpy.uint8 and a.shape==(5,2,3) and a[4,1,2]==45", path]
        guard (try? python.run()) != nil else { return }  // numpy is optional on a developer machine
        python.waitUntilExit()
        #expect(python.terminationStatus == 0)
    }

    @Test("a discarded or abandoned stream leaves nothing")
    func discardLeavesNothing() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let writer = try NumpyStreamWriter(path: dir.appendingPathComponent("d.npy").path, elementType: .uint8, rowShape: [8])
        try writer.append([UInt8](repeating: 1, count: 16))
        writer.discard()
        do {
            let abandoned = try NumpyStreamWriter(path: dir.appendingPathComponent("a.npy").path, elementType: .uint8,
                                                  rowShape: [8])
            try abandoned.append([UInt8](repeating: 1, count: 8))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
        #expect(throws: ModelFileError.self) {
            try NumpyStreamWriter(path: dir.appendingPathComponent("missing/x.npy").path, elementType: .uint8, rowShape: [1])
        }
    }
}
