import Foundation
import JobSupport
import MazeObservation
import OutputFiles

/// Writing image files so that a failure never leaves a half-written file under the requested name.
public enum ImageFiles {
    /// Writes an observation as a PNG, each pixel enlarged to `scale`x`scale`, carrying `metadata` as PNG text
    /// chunks (e.g. `Provenance.entries`; `EmbeddedMetadata` reads them back).
    public static func writePNG(_ observation: Observation, scale: Int, to path: String,
                                metadata: [(key: String, value: String)] = []) throws(JobError) {
        let side = Observation.side * scale
        let png: [UInt8]
        do {
            let plain = try PNGEncoder.encodeRGB(observation.enlarged(by: scale), width: side, height: side)
            png = try EmbeddedMetadata.inserting(metadata, into: plain, format: .png, path: path)
        } catch {
            throw JobError("\(path): \(error)")
        }
        try writeAtomically(png, to: path)
    }

    /// Writes `bytes` to `path` through `OutputFile` (temporary file beside it, fsync, rename).
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws(JobError) {
        do {
            try OutputFile.write(bytes, to: path)
        } catch {
            throw JobError(error.description)
        }
    }
}
