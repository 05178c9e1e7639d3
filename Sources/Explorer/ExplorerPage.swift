import Foundation

/// The page's four files, compiled into the program (SwiftPM `embedInCode`: no bundle to find at run time, no
/// build step, no CDN). Edit them as ordinary files under `Sources/Explorer/Page/`.
enum ExplorerPage {
    static let files: [String: (bytes: [UInt8], type: String)] = [
        "explorer.html": (PackageResources.explorer_html, "text/html; charset=utf-8"),
        "explorer.js": (PackageResources.explorer_js, "text/javascript; charset=utf-8"),
        "explorer-draw.js": (PackageResources.explorer_draw_js, "text/javascript; charset=utf-8"),
        "explorer.css": (PackageResources.explorer_css, "text/css; charset=utf-8"),
    ]

    /// The file `name` as a response, nil when there is no such page file.
    static func response(for name: String) -> ExplorerResponse? {
        guard let file = files[name] else { return nil }
        return ExplorerResponse(status: 200, contentType: file.type, body: Data(file.bytes))
    }
}
