import CairoGraphics

/// The small bar chart under each rollout panel: the policy's 5 group probabilities (LEFT, DOWN, UP, RIGHT,
/// NOOP) as bars of height `p`, the taken action's bar highlighted, each labelled with an arrow and a percentage.
public enum RolloutProbabilityChart {
    /// Labels in `ActionGroup.allCases` order.
    public static let labels = ["←", "↓", "↑", "→", "noop"]

    /// Draws the chart into `rect`. With `probabilities == nil` (the final state, not evaluated) the bars are
    /// left empty. Cost: 5 rectangles and 10 short strings.
    public static func draw(_ probabilities: [Float]?, chosen: Int?, in rect: Rect, on canvas: Canvas) {
        canvas.fill(rect, RolloutFramePalette.chartBackground)
        let slots = labels.count
        let pad = max(2, rect.height * 0.06)
        let labelHeight = rect.height * 0.26, valueHeight = rect.height * 0.22
        let barTop = rect.y + pad + valueHeight, barBottom = rect.maxY - labelHeight
        let slotWidth = (rect.width - 2 * pad) / Double(slots)
        let barWidth = slotWidth * 0.62
        canvas.fill(Rect(x: rect.x + pad, y: barBottom, width: rect.width - 2 * pad, height: 1),
                    RolloutFramePalette.divider)
        for index in 0..<slots {
            let center = rect.x + pad + slotWidth * (Double(index) + 0.5)
            let isChosen = index == chosen
            if let probabilities, index < probabilities.count {
                let p = Double(min(1, max(0, probabilities[index])))
                let height = (barBottom - barTop) * p
                canvas.fill(Rect(x: center - barWidth / 2, y: barBottom - height, width: barWidth, height: height),
                            isChosen ? RolloutFramePalette.chosenBar : RolloutFramePalette.bar)
                canvas.font = Font(size: max(8, valueHeight * 0.8), weight: isChosen ? .bold : .normal)
                canvas.drawText(percent(p), at: Point(x: center, y: barBottom - height - 1),
                                color: isChosen ? RolloutFramePalette.chosenBar : RolloutFramePalette.text,
                                alignment: .center, baseline: .bottom)
            }
            canvas.font = Font(size: max(8, labelHeight * 0.62), weight: isChosen ? .bold : .normal)
            canvas.drawText(labels[index], at: Point(x: center, y: barBottom + labelHeight / 2),
                            color: isChosen ? RolloutFramePalette.chosenBar : RolloutFramePalette.text,
                            alignment: .center, baseline: .middle)
        }
    }

    /// The end of an episode in place of the chart: `✓ cheese at step N` on green, `no cheese after N steps`, or
    /// `loop: step N = step K, no cheese` for an argmax episode stopped when it came back to an earlier state.
    public static func drawOutcome(_ outcome: RolloutPanelContent.Outcome, in rect: Rect, on canvas: Canvas) {
        let text: String, color: Color
        switch outcome {
        case let .cheese(step):
            text = "✓ cheese at step \(step)"
            color = RolloutFramePalette.success
        case let .stopped(steps):
            text = "no cheese after \(steps) steps"
            color = RolloutFramePalette.stopped
        case let .loop(steps, from):
            text = "loop: step \(steps) = step \(from), no cheese"
            color = RolloutFramePalette.stopped
        }
        canvas.fill(rect, color)
        canvas.font = Font(size: max(9, rect.height * 0.3), weight: .bold)
        let fitted = RolloutFrameText.fit(text, width: rect.width * 0.92, on: canvas)
        canvas.drawText(fitted, at: rect.center, color: .white, alignment: .center, baseline: .middle)
    }

    /// `0.873` → `87%`; values under 1% as `<1%`.
    static func percent(_ p: Double) -> String {
        p > 0 && p < 0.005 ? "<1%" : "\(Int((p * 100).rounded()))%"
    }
}
