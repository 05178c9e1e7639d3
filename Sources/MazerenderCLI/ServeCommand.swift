import ArgumentParser
import Explorer
import FigureJobs
import Foundation
import JobSupport

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the explorer: a local web page to edit mazes and watch the policy respond, and its JSON API.",
        discussion: """
            Prints the URL to open. The page and the API (documented in docs/explorer.md) are \
            served by mazerender itself. It listens on 127.0.0.1 only unless --host says otherwise (then a \
            warning: the API has no authentication). Ctrl-C or SIGTERM stop it.
            """)

    @Option(help: "TCP port (0 picks a free one).")
    var port = 8600
    @Option(help: "Address to listen on: 127.0.0.1 (this machine only), ::1, or an interface's address.")
    var host = "127.0.0.1"
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var assetOptions: AssetOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port \(port) is outside 0 ... 65535") }
        let candidate = host == "localhost" ? "127.0.0.1" : host
        var v4 = in_addr(), v6 = in6_addr()
        guard inet_pton(AF_INET, candidate, &v4) == 1 || inet_pton(AF_INET6, candidate, &v6) == 1 else {
            throw ValidationError("--host \(host) is not an IP address; use 127.0.0.1 (default), ::1 or an interface's address")
        }
    }

    func run() throws {
        let job = try modelOptions.context(assetOptions)
        let context = try FigureContext(network: job.network, renderer: job.renderer, modelPath: job.modelPath)
        let api = ExplorerAPI(engine: ExplorerEngine(context: context, provenance: job.provenance))
        do {
            try ExplorerService.serveUntilSignalled(api: api, host: host, port: UInt16(port)) { line in
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
            }
        } catch {
            throw JobError("cannot serve on \(host):\(port): \(error); pick another --port (0 picks a free one)")
        }
    }
}
