#if canImport(Glibc)
import Glibc
#endif
import OutputFiles

/// Writes a C-order `.npy` file row by row, for outputs too large to hold in memory (datasets, observations of
/// thousands of seeds): memory stays at one row. The file is an `OutputFiles.StagedOutput` (hidden temporary
/// file, fsync, rename; removed on failure or interruption). The header is written last: its space is reserved
/// up front (for any row count up to `Int.max`) and padded with spaces, as the format allows, so the data
/// offset is known before the row count is.
public final class NumpyStreamWriter {
    /// Element types the writer can produce.
    public enum ElementType: String, Sendable {
        case uint8 = "|u1"
        case float32 = "<f4"

        var byteCount: Int { self == .uint8 ? 1 : 4 }
    }

    public let path: String
    public let elementType: ElementType
    /// Shape of one row; the file's shape is `[rows] + rowShape`.
    public let rowShape: [Int]
    /// Rows appended so far.
    public private(set) var rows = 0
    private let rowBytes: Int
    private let headerLength: Int
    private let staged: StagedOutput
    private var finished = false

    /// Opens the temporary file and reserves the header.
    /// - Throws: `ModelFileError.unwritable` naming `path` (missing folder, no permission).
    public init(path: String, elementType: ElementType, rowShape: [Int]) throws(ModelFileError) {
        precondition(rowShape.allSatisfy { $0 > 0 }, "row extents must be positive")
        self.path = path
        self.elementType = elementType
        self.rowShape = rowShape
        rowBytes = rowShape.reduce(elementType.byteCount, *)
        headerLength = Self.header(elementType: elementType, shape: [Int.max] + rowShape, length: nil).count
        do {
            staged = try StagedOutput(path: path)
        } catch {
            throw ModelFileError.unwritable(file: path, reason: error.description)
        }
        try writeAll([UInt8](repeating: 0x20, count: headerLength))
    }

    deinit { if !finished { staged.discard() } }

    /// Appends whole rows of raw little-endian elements (`bytes.count` a multiple of the row size).
    public func append(_ bytes: UnsafeRawBufferPointer) throws(ModelFileError) {
        precondition(bytes.count % rowBytes == 0, "\(bytes.count) bytes are not whole rows of \(rowBytes) bytes")
        try writeAll(bytes)
        rows += bytes.count / rowBytes
    }

    /// Appends whole rows of uint8 elements.
    public func append(_ values: [UInt8]) throws(ModelFileError) {
        precondition(elementType == .uint8, "this writer holds \(elementType.rawValue) elements")
        try withBytes(of: values) { raw throws(ModelFileError) in try append(raw) }
    }

    /// Appends whole rows of float32 elements (written little-endian).
    public func append(_ values: [Float]) throws(ModelFileError) {
        precondition(elementType == .float32, "this writer holds \(elementType.rawValue) elements")
        let littleEndian = values.map { $0.bitPattern.littleEndian }
        try withBytes(of: littleEndian) { raw throws(ModelFileError) in try append(raw) }
    }

    /// Writes the header for the rows appended and renames the file into place.
    /// - Throws: `ModelFileError.unwritable`; nothing is left under `path` then.
    public func finish() throws(ModelFileError) {
        finished = true
        let header = Self.header(elementType: elementType, shape: [rows] + rowShape, length: headerLength)
        do throws(OutputFileError) {
            try staged.withDescriptor { (descriptor: Int32) throws(OutputFileError) in
                let written = header.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
                guard written == header.count else {
                    throw OutputFileError(path: path, operation: "pwrite", code: written < 0 ? errno : EIO)
                }
            }
            try staged.commit()
        } catch {
            staged.discard()
            throw ModelFileError.unwritable(file: path, reason: error.description)
        }
    }

    /// Removes the temporary file; nothing is written under `path`.
    public func discard() {
        finished = true
        staged.discard()
    }

    private func writeAll(_ bytes: [UInt8]) throws(ModelFileError) {
        try withBytes(of: bytes) { raw throws(ModelFileError) in try writeAll(raw) }
    }

    /// `Array.withUnsafeBytes` for a body with typed throws.
    private func withBytes<Element>(of values: [Element],
                                    _ body: (UnsafeRawBufferPointer) throws(ModelFileError) -> Void) throws(ModelFileError) {
        var failure: ModelFileError?
        values.withUnsafeBytes { raw in
            do throws(ModelFileError) { try body(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws(ModelFileError) {
        var failure: OutputFileError?
        staged.withDescriptor { descriptor in
            var offset = 0
            while offset < bytes.count {
                let n = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else {
                    failure = OutputFileError(path: path, operation: "write", code: n < 0 ? errno : EIO)
                    return
                }
                offset += n
            }
        }
        if let failure {
            discard()
            throw ModelFileError.unwritable(file: path, reason: failure.description)
        }
    }

    /// The `.npy` 1.0 preamble and header dict for `shape`, padded with spaces to `length` bytes (or to the next
    /// multiple of 64 when `length` is nil), ending in a newline.
    static func header(elementType: ElementType, shape: [Int], length: Int?) -> [UInt8] {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        let dict = Array("{'descr': '\(elementType.rawValue)', 'fortran_order': False, 'shape': \(shapeText), }".utf8)
        let minimum = 10 + dict.count + 1
        let total = length ?? (minimum + 63) / 64 * 64
        precondition(total >= minimum && total - 10 <= 65535, "header of \(minimum) bytes does not fit in \(total)")
        let headerBytes = total - 10
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(headerBytes & 0xFF), UInt8(headerBytes >> 8)]
            + dict + [UInt8](repeating: 0x20, count: total - minimum) + [0x0A]
    }
}
