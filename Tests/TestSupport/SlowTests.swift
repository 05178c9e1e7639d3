import Foundation
import Testing

extension Tag {
    /// Suites that take minutes: the browser, the model card's evaluation, long videos, process signals.
    @Tag public static var slow: Self
}

/// Slow suites carry `.tags(.slow)` and `SlowTests.trait`: `MAZERENDER_SKIP_SLOW=1 swift test -c release` leaves
/// them out on a developer's machine; CI (which never sets it) runs them all.
public enum SlowTests {
    public static var enabled: Bool { ProcessInfo.processInfo.environment["MAZERENDER_SKIP_SLOW"] != "1" }
    /// Enables the suite unless `MAZERENDER_SKIP_SLOW=1`.
    public static var trait: ConditionTrait { .enabled(if: enabled, "slow; unset MAZERENDER_SKIP_SLOW to run it") }
}
