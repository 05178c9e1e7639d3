/// Cairo names SVG elements after process-wide counters (`<g id="surface7">`, `<image id="image12">`), so
/// the same drawing gives different bytes depending on what was drawn before in the process. This pass
/// renumbers every `surfaceN`, `imageN` and `patternN` reference (after `"` or `#`) in order of first
/// appearance, per prefix, making SVG output depend only on the drawing. Cost: one pass over the bytes.
func canonicalizeSVGIdentifiers(_ svg: [UInt8]) -> [UInt8] {
    let prefixes: [[UInt8]] = [Array("surface".utf8), Array("image".utf8), Array("pattern".utf8)]
    var renumbered: [[UInt8]: [UInt8]] = [:]   // prefix + old digits -> new digits
    var counters = [Int](repeating: 0, count: prefixes.count)
    var output: [UInt8] = []
    output.reserveCapacity(svg.count)
    var i = 0
    while i < svg.count {
        let byte = svg[i]
        output.append(byte)
        i += 1
        guard byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "#") else { continue }
        for (index, prefix) in prefixes.enumerated() where svg[i...].starts(with: prefix) {
            var end = i + prefix.count
            while end < svg.count, svg[end] >= UInt8(ascii: "0"), svg[end] <= UInt8(ascii: "9") { end += 1 }
            let digitsStart = i + prefix.count
            guard end > digitsStart, end < svg.count,
                  svg[end] == UInt8(ascii: "\"") || svg[end] == UInt8(ascii: ")") else { break }
            let key = Array(svg[i..<end])
            let digits: [UInt8]
            if let known = renumbered[key] {
                digits = known
            } else {
                counters[index] += 1
                digits = Array(String(counters[index]).utf8)
                renumbered[key] = digits
            }
            output.append(contentsOf: prefix)
            output.append(contentsOf: digits)
            i = end
            break
        }
    }
    return output
}
