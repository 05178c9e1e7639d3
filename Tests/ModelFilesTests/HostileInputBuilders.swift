import Foundation

/// Pickle pieces for hostile inputs: wide integers (LONG1) so that counts, shapes and strides can be as large
/// as a damaged or malicious file may claim.
enum HostilePickle {
    static func long(_ value: Int) -> [UInt8] {
        [0x8A, 8] + withUnsafeBytes(of: Int64(value).littleEndian, Array.init)
    }

    static func tuple(_ values: [Int]) -> [UInt8] {
        [0x28] + values.flatMap(long) + [0x74]
    }

    /// `_rebuild_tensor_v2(('storage', torch.<type>, key, 'cpu', count), offset, shape, strides, False, OrderedDict())`.
    static func tensor(storageKey: String = "0", storageCount: Int, type: String = "FloatStorage", offset: Int = 0,
                       shape: [Int], strides: [Int]) -> [UInt8] {
        let string = LegacyCheckpointBuilder.string, global = LegacyCheckpointBuilder.global
        return global("torch._utils", "_rebuild_tensor_v2") + [0x28]
            + [0x28] + string("storage") + global("torch", type) + string(storageKey) + string("cpu")
            + long(storageCount) + [0x74, 0x51]
            + long(offset) + tuple(shape) + tuple(strides) + [0x89]
            + global("collections", "OrderedDict") + [0x29, 0x52, 0x74, 0x52]
    }

    /// A protocol-2 pickle of `{key: tensor, ...}` (what a zip checkpoint's data.pkl holds).
    static func stateDict(_ entries: [(key: String, tensor: [UInt8])]) -> [UInt8] {
        [0x80, 0x02, 0x7D] + entries.flatMap { LegacyCheckpointBuilder.string($0.key) + $0.tensor + [0x73] } + [0x2E]
    }

    /// A legacy (pre-1.6) checkpoint around `object` (a pickle without PROTO/STOP), whose storage table is
    /// `table`: (key, the element count written before its data, the data).
    static func legacy(object: [UInt8], table: [(key: String, count: Int, data: [UInt8])]) -> [UInt8] {
        var out: [UInt8] = [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19, 0x2E]
        out += [0x80, 0x02, 0x4D, 0xE9, 0x03, 0x2E, 0x80, 0x02, 0x7D, 0x2E]
        out += [0x80, 0x02] + object + [0x2E]
        out += [0x80, 0x02, 0x5D, 0x28] + table.flatMap { LegacyCheckpointBuilder.string($0.key) } + [0x65, 0x2E]
        for entry in table {
            withUnsafeBytes(of: Int64(entry.count).littleEndian) { out += $0 }
            out += entry.data
        }
        return out
    }
}

/// A minimal zip writer whose headers may lie: each member's declared (uncompressed) size is written as given,
/// whatever its data holds.
enum HostileZip {
    struct Member {
        var name: String
        /// The bytes as stored in the archive (already deflated when `deflated`).
        var data: [UInt8]
        var deflated = false
        /// The uncompressed size the headers declare; default: `data.count`.
        var declaredSize: UInt32?
        /// CRC-32 of the uncompressed data; default: that of `data`.
        var crc: UInt32?
    }

    static func archive(_ members: [Member]) -> [UInt8] {
        var out: [UInt8] = [], central: [UInt8] = []
        for member in members {
            let name = Array(member.name.utf8), offset = UInt32(out.count)
            let crc = member.crc ?? crc32(member.data), size = UInt32(member.data.count)
            let declared = member.declaredSize ?? size, method: UInt16 = member.deflated ? 8 : 0
            out += u32(0x0403_4B50) + u16(20) + u16(0) + u16(method) + u16(0) + u16(0x21)
            out += u32(crc) + u32(size) + u32(declared) + u16(UInt16(name.count)) + u16(0) + name + member.data
            central += u32(0x0201_4B50) + u16(20) + u16(20) + u16(0) + u16(method) + u16(0) + u16(0x21)
            central += u32(crc) + u32(size) + u32(declared) + u16(UInt16(name.count)) + u16(0) + u16(0)
            central += u16(0) + u16(0) + u32(0) + u32(offset) + name
        }
        let centralOffset = UInt32(out.count)
        out += central
        out += u32(0x0605_4B50) + u16(0) + u16(0) + u16(UInt16(members.count)) + u16(UInt16(members.count))
        out += u32(UInt32(central.count)) + u32(centralOffset) + u16(0)
        return out
    }

    /// `bytes` as raw deflate stored blocks (what zlib's inflate reads back unchanged).
    static func storedDeflate(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [], start = 0
        repeat {
            let end = min(bytes.count, start + 65535), length = UInt16(end - start)
            out += [end == bytes.count ? 1 : 0] + u16(length) + u16(~length) + bytes[start..<end]
            start = end
        } while start < bytes.count
        return out
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    private static func u16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
    private static func u32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }
}
