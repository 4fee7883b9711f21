import Foundation
import STGCNModel

/// A self-contained HTML report of a run (inline SVG, no scripts, no external files): loss and
/// accuracy curves, the final evaluation with its confusion matrix and per-class accuracy, and
/// the learned edge importance drawn on the skeleton.
public enum TrainingReport {
    /// The report's HTML.
    public static func html(title: String, history: [EpochRecord], evaluation: ClassificationMetrics?,
                            classNames: [String], network: any ActionRecognitionModel, notes: [String]) -> String {
        var body = "<h1>ST-GCN training report</h1>\n<p class=\"sub\">\(escape(title)) — written \(escape(TrainingLog.timestamp()))</p>\n"
        body += "<ul>" + notes.map { "<li>\(escape($0))</li>" }.joined() + "</ul>\n"
        if let last = history.last {
            var cells = [("epochs", "\(history.count)"), ("last train loss", String(format: "%.4f", last.trainLoss)),
                         ("last train accuracy", percent(last.trainAccuracy))]
            if let evaluation {
                cells += [("top-1", percent(evaluation.top1)), ("top-5", percent(evaluation.top5)),
                          ("mean class accuracy", percent(evaluation.meanClassAccuracy)),
                          ("test samples", "\(evaluation.sampleCount)")]
            }
            let seconds = history.reduce(0) { $0 + $1.seconds + ($1.evaluation?.seconds ?? 0) }
            cells.append(("time", ProgressReporter.duration(seconds)))
            body += "<table class=\"summary\"><tr>" + cells.map { "<th>\(escape($0.0))</th>" }.joined() + "</tr><tr>"
                + cells.map { "<td>\(escape($0.1))</td>" }.joined() + "</tr></table>\n"
        }
        body += "<h2>Curves</h2>\n<div class=\"row\">"
        body += lineChart(title: "loss", series: [
            ("train", "#1f77b4", history.map { (Double($0.epoch + 1), $0.trainLoss) }),
            ("test", "#d62728", history.compactMap { record in record.evaluation.map { (Double(record.epoch + 1), $0.loss) } }),
        ], fixedRange: nil)
        body += lineChart(title: "accuracy (%)", series: [
            ("train", "#1f77b4", history.map { (Double($0.epoch + 1), 100 * $0.trainAccuracy) }),
            ("test top-1", "#d62728", history.compactMap { r in r.evaluation.map { (Double(r.epoch + 1), 100 * $0.top1) } }),
            ("test top-5", "#ff9896", history.compactMap { r in r.evaluation.map { (Double(r.epoch + 1), 100 * $0.top5) } }),
        ], fixedRange: (0, 100))
        body += "</div>\n"
        body += "<h2>Learned edge importance</h2>\n" + edgeImportance(network: network)
        if let evaluation {
            body += "<h2>Confusion matrix (last evaluation, rows: true class, columns: predicted)</h2>\n"
            body += confusionMatrix(evaluation, classNames: classNames)
            body += "<h2>Per-class accuracy</h2>\n<table class=\"classes\"><tr><th>#</th><th>class</th><th>samples</th><th>accuracy</th></tr>"
            for (index, accuracy) in evaluation.perClassAccuracy.enumerated() {
                let name = index < classNames.count ? classNames[index] : "class \(index)"
                body += "<tr><td>\(index)</td><td>\(escape(name))</td><td>\(evaluation.classSupport[index])</td><td>\(accuracy.map(percent) ?? "–")</td></tr>"
            }
            body += "</table>\n"
        }
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>ST-GCN report — \(escape(title))</title>
        <style>
        body { font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 1100px; }
        .sub { color: #666; } .row { display: flex; flex-wrap: wrap; gap: 1em; }
        table { border-collapse: collapse; margin: 0.5em 0; } th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
        th { background: #f4f4f4; } td:nth-child(2) { text-align: left; }
        svg text { font-family: system-ui, sans-serif; }
        </style></head><body>
        \(body)
        </body></html>

        """
    }

    // MARK: Parts

    static func lineChart(title: String, series: [(name: String, color: String, points: [(Double, Double)])],
                          fixedRange: (Double, Double)?) -> String {
        let width = 480.0, height = 300.0, left = 52.0, right = 16.0, top = 28.0, bottom = 40.0
        let all = series.flatMap(\.points).filter { $0.1.isFinite }
        guard !all.isEmpty else { return "<p>No \(escape(title)) data yet.</p>" }
        let xMin = all.map(\.0).min() ?? 0, xMax = max(all.map(\.0).max() ?? 1, xMin + 1)
        var (yMin, yMax) = fixedRange ?? (min(0, all.map(\.1).min() ?? 0), all.map(\.1).max() ?? 1)
        if yMax <= yMin { yMax = yMin + 1 }
        func px(_ x: Double) -> Double { left + (x - xMin) / (xMax - xMin) * (width - left - right) }
        func py(_ y: Double) -> Double { height - bottom - (y - yMin) / (yMax - yMin) * (height - top - bottom) }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\">"
        svg += "<text x=\"\(left)\" y=\"18\" font-size=\"14\" font-weight=\"bold\">\(escape(title))</text>"
        for i in 0...4 {
            let y = yMin + (yMax - yMin) * Double(i) / 4
            svg += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>", left, py(y), width - right, py(y))
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%@</text>", left - 4, py(y) + 4, tick(y))
        }
        let xTicks = Array(Set(stride(from: xMin, through: xMax, by: max(1, ((xMax - xMin) / 8).rounded(.up))).map { $0 } + [xMax])).sorted()
        for x in xTicks {
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">%d</text>", px(x), height - bottom + 16, Int(x))
        }
        svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">epoch</text>", (left + width - right) / 2, height - 6)
        svg += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#999\"/>",
                      left, top, width - left - right, height - top - bottom)
        var legendX = left + 90
        for entry in series where !entry.points.isEmpty {
            let points = entry.points.filter { $0.1.isFinite }
            let path = points.map { String(format: "%.1f,%.1f", px($0.0), py($0.1)) }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(entry.color)\" stroke-width=\"2\" points=\"\(path)\"/>"
            for point in points {
                svg += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%@\"/>", px(point.0), py(point.1), entry.color)
            }
            svg += String(format: "<rect x=\"%.1f\" y=\"10\" width=\"12\" height=\"4\" fill=\"%@\"/>", legendX, entry.color)
            svg += String(format: "<text x=\"%.1f\" y=\"16\" font-size=\"11\">%@</text>", legendX + 16, escape(entry.name))
            legendX += 30 + Double(entry.name.count) * 6.5
        }
        return svg + "</svg>"
    }

    static func confusionMatrix(_ metrics: ClassificationMetrics, classNames: [String]) -> String {
        let n = metrics.classCount
        let cell = n <= 15 ? 30.0 : n <= 40 ? 14.0 : max(4, 600 / Double(n))
        let labelWidth = n <= 40 ? 140.0 : 40.0
        let size = labelWidth + cell * Double(n) + 10
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(size))\" height=\"\(Int(size))\" viewBox=\"0 0 \(Int(size)) \(Int(size))\">"
        for (row, counts) in metrics.confusion.enumerated() {
            let total = max(1, counts.reduce(0, +))
            let y = labelWidth + Double(row) * cell
            if n <= 40 {
                let name = row < classNames.count ? classNames[row] : "\(row)"
                svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.0f\" text-anchor=\"end\">%@</text>",
                              labelWidth - 4, y + cell * 0.7, min(12, cell * 0.8), escape(name))
                svg += String(format: "<text transform=\"translate(%.1f,%.1f) rotate(-60)\" font-size=\"%.0f\">%@</text>",
                              labelWidth + Double(row) * cell + cell * 0.6, labelWidth - 4, min(12, cell * 0.8), escape(name))
            }
            for (column, count) in counts.enumerated() {
                let fraction = Double(count) / Double(total)
                let x = labelWidth + Double(column) * cell
                let color = row == column ? "rgba(31,119,180,\(String(format: "%.3f", 0.08 + 0.92 * fraction)))"
                    : "rgba(214,39,40,\(String(format: "%.3f", fraction == 0 ? 0 : 0.15 + 0.85 * fraction)))"
                svg += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%@\" stroke=\"#eee\"><title>%@ → %@: %d</title></rect>",
                              x, y, cell, cell, color,
                              escape(row < classNames.count ? classNames[row] : "\(row)"),
                              escape(column < classNames.count ? classNames[column] : "\(column)"), count)
                if n <= 15 && count > 0 {
                    svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">%d</text>",
                                  x + cell / 2, y + cell * 0.65, count)
                }
            }
        }
        return svg + "</svg>\n"
    }

    /// The mean learned importance of each edge and joint (self link), over blocks and the
    /// subsets where `A` is non-zero.
    public static func importance(network: STGCNNetwork) -> (edges: [(Int, Int, Double)], joints: [Double])? {
        guard !network.edgeImportance.isEmpty else { return nil }
        let v = network.graph.jointCount, k = network.graph.subsetCount
        let adjacency = network.graph.adjacency
        func mean(_ i: Int, _ j: Int) -> Double {
            var sum = 0.0, count = 0
            for mask in network.edgeImportance {
                for s in 0..<k {
                    for (a, b) in [(i, j), (j, i)] where adjacency[(s * v + a) * v + b] != 0 {
                        sum += Double(mask.value[(s * v + a) * v + b])
                        count += 1
                    }
                }
            }
            return count > 0 ? sum / Double(count) : 1
        }
        let edges = network.configuration.layout.edgePairs.map { ($0.0, $0.1, mean($0.0, $0.1)) }
        let joints = (0..<v).map { mean($0, $0) }
        return (edges, joints)
    }

    /// The network whose learned edge importance the report draws: the model itself, or the
    /// coordinate stream of a two-stream model.
    static func importanceSource(_ model: any ActionRecognitionModel) -> STGCNNetwork? {
        if let network = model as? STGCNNetwork { return network }
        return (model as? TwoStreamNetwork)?.originStream
    }

    static func edgeImportance(network model: any ActionRecognitionModel) -> String {
        let layout = model.configuration.layout
        let positions = SkeletonSketch.positions(for: layout)
        guard let network = importanceSource(model), let importance = importance(network: network) else {
            return "<p>edge_importance_weighting is off: the graph has no learned importance.</p>\n"
        }
        // NaN or Inf (a diverged run) is drawn grey with the thinnest stroke and never enters the scale.
        let values = (importance.edges.map(\.2) + importance.joints).filter(\.isFinite)
        let low = values.min() ?? 1, high = values.max() ?? 1
        let span = max(high - low, 1e-9)
        func fraction(_ value: Double) -> Double { value.isFinite ? min(1, max(0, (value - low) / span)) : 0 }
        func color(_ value: Double) -> String {
            guard value.isFinite else { return "rgb(160,160,160)" }
            let t = fraction(value)
            let r = Int(40 + 200 * t), g = Int(90 + 40 * (1 - abs(2 * t - 1))), b = Int(220 - 190 * t)
            return "rgb(\(r),\(g),\(b))"
        }
        let size = 420.0
        func px(_ x: Double) -> Double { size / 2 + x * size * 0.45 }
        func py(_ y: Double) -> Double { size / 2 - y * size * 0.45 }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(size + 160))\" height=\"\(Int(size))\" viewBox=\"0 0 \(Int(size + 160)) \(Int(size))\">"
        for (i, j, value) in importance.edges where i < positions.count && j < positions.count {
            let t = fraction(value)
            svg += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%@\" stroke-width=\"%.1f\" stroke-linecap=\"round\"><title>%@ – %@: %.3f</title></line>",
                          px(positions[i].x), py(positions[i].y), px(positions[j].x), py(positions[j].y), color(value), 2 + 8 * t,
                          escape(layout.jointName(i)), escape(layout.jointName(j)), value)
        }
        for (index, value) in importance.joints.enumerated() where index < positions.count {
            let t = fraction(value)
            svg += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%@\" stroke=\"#333\" stroke-width=\"0.5\"><title>%@ (self): %.3f</title></circle>",
                          px(positions[index].x), py(positions[index].y), 3 + 5 * t, color(value), escape(layout.jointName(index)), value)
        }
        svg += "<text x=\"\(Int(size + 10))\" y=\"30\" font-size=\"12\">importance</text>"
        for step in 0...4 {
            let value = low + span * Double(4 - step) / 4
            svg += String(format: "<rect x=\"%d\" y=\"%d\" width=\"24\" height=\"18\" fill=\"%@\"/><text x=\"%d\" y=\"%d\" font-size=\"11\">%.3f</text>",
                          Int(size + 10), 40 + step * 22, color(value), Int(size + 40), 54 + step * 22, value)
        }
        svg += "</svg>\n"
        return svg + "<p>Mean of the learned mask (edge_importance) over the 10 blocks and the partition subsets, on each edge and self link (width and colour; initial value 1). Hover for values.</p>\n"
    }

    static func percent(_ value: Double) -> String { String(format: "%.2f%%", 100 * value) }

    static func tick(_ value: Double) -> String {
        abs(value) >= 10 ? String(format: "%.0f", value) : String(format: "%.2f", value)
    }

    /// Text safe inside HTML and SVG.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }
}
