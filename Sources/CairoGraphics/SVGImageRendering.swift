/// The attributes that ask SVG viewers for nearest-neighbour sampling of an `<image>`: the CSS property
/// (`pixelated`, what browsers honour; a style overrides the attribute) and SVG 1.1's presentation attribute
/// (`optimizeSpeed`, for viewers without CSS `pixelated`).
let pixelatedImageAttributes = Array(#" style="image-rendering:pixelated" image-rendering="optimizeSpeed""#.utf8)

/// Adds `pixelatedImageAttributes` to every `<image` element of `svg` whose `xlink:href` value is one of
/// `uris`; other bytes are unchanged. Cairo 1.16's SVG backend writes the image filter nowhere, so this
/// pass is where `.nearest` reaches SVG documents. Cost: one pass over the bytes.
func markPixelatedSVGImages(_ svg: [UInt8], uris: Set<[UInt8]>) -> [UInt8] {
    guard !uris.isEmpty else { return svg }
    let open = Array("<image ".utf8), href = Array(" xlink:href=\"".utf8)
    var output: [UInt8] = []
    output.reserveCapacity(svg.count + 128)
    var copied = 0, i = 0
    while let start = firstIndex(of: open, in: svg, from: i) {
        i = start + open.count
        guard let end = svg[i...].firstIndex(of: UInt8(ascii: ">")),
              let hrefStart = firstIndex(of: href, in: svg, from: i), hrefStart < end else { continue }
        let valueStart = hrefStart + href.count
        guard let valueEnd = svg[valueStart...].firstIndex(of: UInt8(ascii: "\"")),
              uris.contains(Array(svg[valueStart..<valueEnd])) else { continue }
        let nameEnd = start + open.count - 1   // after "<image"
        output.append(contentsOf: svg[copied..<nameEnd])
        output.append(contentsOf: pixelatedImageAttributes)
        copied = nameEnd
        i = valueEnd
    }
    output.append(contentsOf: svg[copied...])
    return output
}

private func firstIndex(of pattern: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
    guard let first = pattern.first, bytes.count >= pattern.count else { return nil }
    var i = start
    while i <= bytes.count - pattern.count {
        if bytes[i] == first, bytes[i..<(i + pattern.count)].elementsEqual(pattern) { return i }
        i += 1
    }
    return nil
}
