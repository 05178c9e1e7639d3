/// Classification scores.
public enum Classification {
    /// Share of positions where `predicted` equals `actual`. Precondition: equal, non-zero lengths.
    public static func accuracy(predicted: [Bool], actual: [Bool]) -> Double {
        precondition(predicted.count == actual.count && !actual.isEmpty, "accuracy needs equal, non-empty lists")
        return Double(zip(predicted, actual).filter { $0 == $1 }.count) / Double(actual.count)
    }

    /// The majority class of `outcomes`; a tie gives `false` (the first label in sorted order, as scikit-learn's
    /// `DummyClassifier(strategy="most_frequent")` picks it).
    public static func majorityClass(_ outcomes: [Bool]) -> Bool {
        let positives = outcomes.filter { $0 }.count
        return 2 * positives > outcomes.count
    }

    /// Trivial-baseline accuracy: always predict the majority class of `training`, scored on `test`
    /// (pass the same list twice for the in-sample baseline, max(share, 1 − share)).
    public static func majorityBaselineAccuracy(training: [Bool], test: [Bool]) -> Double {
        let guess = majorityClass(training)
        return accuracy(predicted: [Bool](repeating: guess, count: test.count), actual: test)
    }
}
