import CairoGraphics
import Charts
import Foundation
import JobSupport
import OutputFiles
import PolicyExperiments

extension ProbeJob {
    /// Short layer names for titles and ticks: `block2.res1`, `conv_in0`, `flatten`, `relufc`, `fc_policy`.
    static func shortName(_ layer: String) -> String {
        var name = layer.hasPrefix("embedder.") ? String(layer.dropFirst("embedder.".count)) : layer
        for suffix in [".resadd_out", "_out"] where name.hasSuffix(suffix) { name = String(name.dropLast(suffix.count)) }
        if name.hasPrefix("block1.conv_in0") { return "input" }
        return name
    }

    /// Ticks at the K values on a log10 axis, powers of ten first, leaving out a value closer than 0.15 decades
    /// to one already labelled (20 next to 25).
    static func logTicks(_ ks: [Int]) -> AxisTicks {
        let ordered = ks.sorted { a, b in
            let pa = log10(Double(a)).rounded() == log10(Double(a)), pb = log10(Double(b)).rounded() == log10(Double(b))
            return pa != pb ? pa : a < b
        }
        var kept: [Int] = []
        for k in ordered where kept.allSatisfy({ abs(log10(Double($0)) - log10(Double(k))) >= 0.15 }) { kept.append(k) }
        kept.sort()
        return AxisTicks(values: kept.map { log10(Double($0)) }, labels: kept.map(String.init))
    }

    /// The per-layer plots (score against K) and the per-target plots (score across layers, a line per K).
    static func plots(_ results: [ProbeResult], to folder: String) throws {
        do {
            let made = try OutputFolder(folder)
            func save(_ chart: ScatterPlot, _ name: String) throws {
                for ext in ["png", "svg"] { try chart.write(to: "\(folder)/\(name).\(ext)", width: 720, height: 480) }
            }
            let summaries = Self.summaries(results)
            var layers: [String] = [], targets: [String] = []
            for s in summaries {
                if !layers.contains(s.layer) { layers.append(s.layer) }
                if !targets.contains(s.target) { targets.append(s.target) }
            }
            let style = ChartStyle()
            for layer in layers {
                let rows = summaries.filter { $0.layer == layer }
                let ks = Array(Set(rows.map(\.k))).sorted()
                var chart = ScatterPlot(title: "Sparse probes on \(shortName(layer))", xLabel: "K (top F-test features)",
                                        yLabel: "test accuracy (classes) / R² (x, y)")
                chart.xTicks = Self.logTicks(ks)
                let span = max(0.3, log10(Double(ks.last ?? 1)) - log10(Double(ks.first ?? 1)))
                chart.xRange = (log10(Double(ks.first ?? 1)) - 0.05 * span)...(log10(Double(ks.last ?? 1)) + 0.05 * span)
                let low = min(0, rows.flatMap(\.tests).min() ?? 0)
                chart.yRange = max(-1, low - 0.02)...1.02
                for (index, target) in targets.enumerated() {
                    let line = rows.filter { $0.target == target }.sorted { $0.k < $1.k }
                    guard !line.isEmpty else { continue }
                    let color = style.color(index)
                    chart.series.append(.init(x: line.flatMap { s in s.tests.map { _ in log10(Double(s.k)) } },
                                              y: line.flatMap(\.tests), color: color, alpha: 0.45))
                    chart.curves.append(.init(label: target, points: line.map { (x: log10(Double($0.k)), y: $0.meanTest) },
                                              color: color))
                }
                try save(chart, "layer-" + shortName(layer))
            }
            for target in targets {
                let rows = summaries.filter { $0.target == target }
                // The K values asked for: those of the layer that has the largest K (smaller layers clip theirs).
                let widest = rows.max { $0.k < $1.k }?.layer
                let ks = Array(Set(rows.filter { $0.layer == widest }.map(\.k))).sorted()
                let metric = rows.first?.metric == "r2" ? "test R²" : "test accuracy"
                var chart = ScatterPlot(title: "\(target): probes across layers", xLabel: "layer", yLabel: metric)
                chart.xTicks = Axis.categoryTicks(layers.map(shortName))
                chart.xRange = -0.5...(Double(layers.count) - 0.5)
                let low = min(0, rows.flatMap(\.tests).min() ?? 0)
                chart.yRange = max(-1, low - 0.02)...1.02
                for (index, k) in ks.enumerated() {
                    let points = layers.enumerated().compactMap { position, layer -> (x: Double, y: Double)? in
                        // A small layer's K is clipped to its size: its line continues at the layer's largest K.
                        let candidates = rows.filter { $0.layer == layer && $0.k <= k }
                        guard let best = candidates.max(by: { $0.k < $1.k }) else { return nil }
                        return (x: Double(position), y: best.meanTest)
                    }
                    let color = style.color(index)
                    chart.series.append(.init(x: points.map(\.x), y: points.map(\.y), color: color, alpha: 0.9))
                    chart.curves.append(.init(label: "K = \(k)", points: points, color: color))
                }
                if let baseline = rows.first.map({ $0.baselines.reduce(0, +) / Double($0.baselines.count) }), metric == "test accuracy" {
                    chart.curves.append(.init(label: "majority baseline", function: { _ in baseline }, color: Color(white: 0.55)))
                }
                try save(chart, "target-" + target.replacingOccurrences(of: "(", with: "-")
                    .replacingOccurrences(of: ")", with: "").replacingOccurrences(of: ",", with: "-"))
            }
            made.keep()
        } catch let error as JobError {
            throw error
        } catch {
            throw JobError("probe plots in \(folder): \(error)")
        }
    }
}
