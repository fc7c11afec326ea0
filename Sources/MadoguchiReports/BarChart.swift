import Foundation

/// A bar chart as inline SVG, drawn on the server: no script, prints as it looks, readable by
/// screen readers through its title and a table beside it.
public struct BarChart: Sendable {
    public struct Bar: Sendable {
        public var label: String
        public var value: Double
        public init(label: String, value: Double) {
            self.label = label
            self.value = value
        }
    }

    public var title: String
    public var bars: [Bar]
    public var width = 760
    public var height = 240

    public init(title: String, bars: [Bar]) {
        self.title = title
        self.bars = bars
    }

    public var svg: String {
        let left = 56.0, bottom = 48.0, top = 16.0, right = 8.0
        let plotWidth = Double(width) - left - right, plotHeight = Double(height) - top - bottom
        let maximum = max(bars.map(\.value).max() ?? 0, 1)
        let scale = Self.niceCeiling(maximum)
        let step = plotWidth / Double(max(bars.count, 1))
        var parts: [String] = []
        parts.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(Self.escape(title))\">")
        parts.append("<title>\(Self.escape(title))</title>")
        for tick in 0...4 {
            let value = scale * Double(tick) / 4, y = top + plotHeight - plotHeight * Double(tick) / 4
            parts.append("<line x1=\"\(left)\" y1=\"\(Self.f(y))\" x2=\"\(Double(width) - right)\" y2=\"\(Self.f(y))\" stroke=\"#cfd6de\" stroke-width=\"1\"/>")
            parts.append("<text x=\"\(left - 6)\" y=\"\(Self.f(y + 4))\" font-size=\"11\" text-anchor=\"end\" fill=\"#5b6570\">\(Self.number(value))</text>")
        }
        let labelEvery = max(1, Int((Double(bars.count) / 16).rounded(.up)))
        for (index, bar) in bars.enumerated() {
            let barHeight = plotHeight * bar.value / scale
            let x = left + step * Double(index) + step * 0.15
            parts.append("<rect x=\"\(Self.f(x))\" y=\"\(Self.f(top + plotHeight - barHeight))\" width=\"\(Self.f(step * 0.7))\" height=\"\(Self.f(barHeight))\" fill=\"#0b5cad\"><title>\(Self.escape(bar.label)): \(Self.number(bar.value))</title></rect>")
            if index % labelEvery == 0 {
                parts.append("<text x=\"\(Self.f(x + step * 0.35))\" y=\"\(Self.f(top + plotHeight + 16))\" font-size=\"11\" text-anchor=\"middle\" fill=\"#1b1f24\">\(Self.escape(bar.label))</text>")
            }
        }
        parts.append("</svg>")
        return parts.joined()
    }

    static func niceCeiling(_ value: Double) -> Double {
        let magnitude = pow(10, floor(log10(value)))
        for factor in [1.0, 2, 4, 8, 10] where factor * magnitude >= value { return factor * magnitude }
        return 10 * magnitude
    }

    static func f(_ value: Double) -> String { String(format: "%.1f", value) }
    static func number(_ value: Double) -> String { value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value) }
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
