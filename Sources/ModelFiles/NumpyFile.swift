import Foundation
#if canImport(Glibc)
import Glibc
#endif
import OutputFiles
import Tensors

/// An array read from or written to a NumPy `.npy` file (C order).
public enum NumpyArray: Sendable, Equatable {
    case uint8(shape: [Int], values: [UInt8])
    case float32(shape: [Int], values: [Float])

    public var shape: [Int] {
        switch self {
        case let .uint8(shape, _), let .float32(shape, _): return shape
        }
    }

    /// The values as a Float32 tensor (uint8 values are converted without scaling).
    public var tensor: Tensor {
        switch self {
        case let .uint8(shape, values): return Tensor(shape: shape, scalars: values.map(Float.init))
        case let .float32(shape, values): return Tensor(shape: shape, scalars: values)
        }
    }
}

/// Reading and writing `.npy` files, format versions 1.0, 2.0 and 3.0 (read) and 1.0/2.0 (write):
/// the magic `\x93NUMPY`, a version, a little-endian header length (2 bytes in 1.0, 4 in 2.0/3.0), a Python
/// dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (8, 64), }` padded to a multiple of 64
/// bytes, then the data. Supported element types: `|u1` (uint8) and `<f4`/`>f4` (float32).
public enum NumpyFile {
    private static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// Reads a C-order uint8 or float32 array. - Throws: `ModelFileError` naming the file.
    public static func read(contentsOf url: URL) throws -> NumpyArray {
        let file = url.path
        let bytes: [UInt8]
        do { bytes = [UInt8](try Data(contentsOf: url)) } catch {
            throw ModelFileError.unreadable(file: file, reason: error.localizedDescription)
        }
        return try read(bytes: bytes, file: file)
    }

    /// Reads a C-order uint8 or float32 array from the bytes of a `.npy` file; `file` names it in errors.
    /// The shape's element count is computed with overflow checks and its data must lie inside the file, so an
    /// absurd shape is refused (`.tooLarge` or `.truncated`) before anything is allocated for it.
    /// - Throws: `ModelFileError` naming the file.
    public static func read(bytes: [UInt8], file: String) throws -> NumpyArray {
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw ModelFileError.unrecognizedFormat(file: file, detail: "no .npy magic number")
        }
        let major = bytes[6]
        var headerLength = 0, headerStart = 10
        switch major {
        case 1: headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        case 2, 3:
            guard bytes.count >= 12 else { throw ModelFileError.truncated(file: file, detail: ".npy header") }
            headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
            headerStart = 12
        default:
            throw ModelFileError.unrecognizedFormat(file: file, detail: ".npy format version \(major) is not supported")
        }
        guard headerStart + headerLength <= bytes.count else {
            throw ModelFileError.truncated(file: file, detail: "the .npy header runs past the end of the file")
        }
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        let (descr, fortran, shape) = try parseHeader(header, file: file)
        if fortran {
            throw ModelFileError.unrecognizedFormat(
                file: file, detail: "Fortran-order arrays are not supported; save with np.ascontiguousarray")
        }
        let dataStart = headerStart + headerLength
        let elementSize = descr.hasSuffix("f4") ? 4 : 1
        guard let count = CheckedSize.elementCount(shape), let dataBytes = CheckedSize.product(count, elementSize) else {
            throw ModelFileError.tooLarge(
                file: file, detail: ".npy field 'shape' \(shape) has an element count that overflows 64 bits")
        }
        switch descr {
        case "|u1", "<u1", "u1", "|b1":
            guard dataBytes <= bytes.count - dataStart else {
                throw ModelFileError.truncated(file: file, detail: "shape \(shape) needs \(count) data bytes, has \(bytes.count - dataStart)")
            }
            return .uint8(shape: shape, values: Array(bytes[dataStart..<(dataStart + count)]))
        case "<f4", ">f4":
            guard dataBytes <= bytes.count - dataStart else {
                throw ModelFileError.truncated(file: file, detail: "shape \(shape) needs \(dataBytes) data bytes, has \(bytes.count - dataStart)")
            }
            let bigEndian = descr.hasPrefix(">")
            var values = [Float](repeating: 0, count: count)
            bytes.withUnsafeBytes { raw in
                for i in 0..<count {
                    let bits = raw.loadUnaligned(fromByteOffset: dataStart + 4 * i, as: UInt32.self)
                    values[i] = Float(bitPattern: bigEndian ? UInt32(bigEndian: bits) : UInt32(littleEndian: bits))
                }
            }
            return .float32(shape: shape, values: values)
        default:
            throw ModelFileError.unsupportedElementType(file: file, key: "descr", type: descr)
        }
    }

    /// Writes `array` (C order, little-endian) to a temporary file beside `url`, then renames it into place,
    /// so readers never see a half-written file. - Throws: `ModelFileError.unwritable`.
    public static func write(_ array: NumpyArray, to url: URL) throws {
        let count = array.shape.reduce(1, *)
        var data: [UInt8]
        switch array {
        case let .uint8(shape, values):
            guard values.count == count else { throw shapeMismatch(url, shape, values.count) }
            data = header(descr: "|u1", shape: shape)
            data.append(contentsOf: values)
        case let .float32(shape, values):
            guard values.count == count else { throw shapeMismatch(url, shape, values.count) }
            data = header(descr: "<f4", shape: shape)
            data.reserveCapacity(data.count + 4 * count)
            for value in values {
                let bits = value.bitPattern.littleEndian
                withUnsafeBytes(of: bits) { data.append(contentsOf: $0) }
            }
        }
        do {
            try OutputFile.write(data, to: url.path)
        } catch {
            throw ModelFileError.unwritable(file: url.path, reason: error.description)
        }
    }

    /// Writes a tensor as a float32 `.npy` of the tensor's shape.
    public static func write(_ tensor: Tensor, to url: URL) throws {
        try write(.float32(shape: tensor.shape, values: tensor.scalars), to: url)
    }

    private static func shapeMismatch(_ url: URL, _ shape: [Int], _ count: Int) -> ModelFileError {
        .unwritable(file: url.path, reason: "shape \(shape) needs \(shape.reduce(1, *)) values, got \(count)")
    }

    /// Magic, version and padded header dict; version 2.0 only when the header exceeds 65535 bytes.
    static func header(descr: String, shape: [Int]) -> [UInt8] {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var dict = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        let version2 = dict.utf8.count + 12 + 1 > 65535
        let prefix = version2 ? 12 : 10
        let padding = (64 - (prefix + dict.utf8.count + 1) % 64) % 64
        dict += String(repeating: " ", count: padding) + "\n"
        let length = dict.utf8.count
        var out = magic + [version2 ? 2 : 1, 0]
        if version2 {
            for i in 0..<4 { out.append(UInt8((length >> (8 * i)) & 0xFF)) }
        } else {
            out += [UInt8(length & 0xFF), UInt8(length >> 8)]
        }
        return out + Array(dict.utf8)
    }

    /// Parses the header dict literal without evaluating it.
    static func parseHeader(_ text: String, file: String) throws -> (descr: String, fortran: Bool, shape: [Int]) {
        func value(after key: String) -> Substring? {
            guard let range = text.range(of: "'\(key)'") ?? text.range(of: "\"\(key)\"") else { return nil }
            let rest = text[range.upperBound...].drop { $0 == " " || $0 == ":" }
            return rest
        }
        guard let descrRest = value(after: "descr"), let quote = descrRest.first, quote == "'" || quote == "\"",
              let descrEnd = descrRest.dropFirst().firstIndex(of: quote) else {
            throw ModelFileError.corrupt(file: file, detail: ".npy header has no 'descr'")
        }
        let descr = String(descrRest[descrRest.index(after: descrRest.startIndex)..<descrEnd])
        guard let fortranRest = value(after: "fortran_order") else {
            throw ModelFileError.corrupt(file: file, detail: ".npy header has no 'fortran_order'")
        }
        let fortran = fortranRest.hasPrefix("True")
        guard let shapeRest = value(after: "shape"), shapeRest.first == "(",
              let close = shapeRest.firstIndex(of: ")") else {
            throw ModelFileError.corrupt(file: file, detail: ".npy header has no 'shape' tuple")
        }
        let inner = shapeRest[shapeRest.index(after: shapeRest.startIndex)..<close]
        var shape: [Int] = []
        for part in inner.split(separator: ",") {
            let trimmed = part.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "L", with: "")
            if trimmed.isEmpty { continue }
            guard let extent = Int(trimmed), extent >= 0 else {
                throw ModelFileError.corrupt(file: file, detail: ".npy shape '\(inner)' is not a tuple of integers")
            }
            shape.append(extent)
        }
        return (descr, fortran, shape)
    }
}
