import Foundation

/// The result of `LogisticRegression.fit`: per-feature arrays in `featureNames` order, the intercept apart.
///
/// Codable as JSON objects keyed by feature name (`features` gives the order), `null` where a value is undefined:
/// `{"features": [...], "coefficients": {...}, "intercept": v, "standard_errors": {...},
/// "intercept_standard_error": v, "z": {...}, "intercept_z": v, "p_values": {...}, "intercept_p_value": v,
/// "log_likelihood": v, "null_log_likelihood": v, "pseudo_r2": v, "iterations": n, "converged": b, "rows": n,
/// "design_rank": r, "design_columns": c, "not_identified": [...], "perfectly_separated": b}`.
public struct LogisticFit: Codable, Equatable, Sendable {
    public var featureNames: [String]
    public var coefficients: [Double]
    public var intercept: Double
    /// nil where the coefficient is not identified (rank-deficient design) or the information is singular.
    public var standardErrors: [Double?]
    public var interceptStandardError: Double?
    public var zValues: [Double?]
    public var interceptZ: Double?
    /// Two-sided, standard normal.
    public var pValues: [Double?]
    public var interceptPValue: Double?
    /// Log-likelihood at the estimate (natural log).
    public var logLikelihood: Double
    /// Log-likelihood of the intercept-only model.
    public var nullLogLikelihood: Double
    /// Newton steps taken.
    public var iterations: Int
    /// The last step moved no coefficient by more than the tolerance.
    public var converged: Bool
    public var rows: Int
    /// Numerical rank of the design with its intercept column, and that design's column count (p + 1).
    public var designRank: Int
    public var designColumns: Int
    /// Features (and "intercept") whose coefficients the data do not determine (part of an exact dependency).
    public var notIdentified: [String]
    /// The fitted linear predictor classifies every row correctly: no maximum-likelihood estimate exists.
    public var perfectlySeparated: Bool

    /// McFadden's pseudo R²: 1 − ll / ll₀.
    public var pseudoRSquared: Double { 1 - logLikelihood / nullLogLikelihood }

    /// The coefficient of a named feature, or nil if there is no such feature.
    public func coefficient(_ name: String) -> Double? {
        featureNames.firstIndex(of: name).map { coefficients[$0] }
    }

    /// P(outcome) for one row of `featureNames.count` values (same scaling as the fitted features).
    public func probability(_ row: [Double]) -> Double {
        precondition(row.count == coefficients.count, "a row needs \(coefficients.count) values")
        return logistic(zip(row, coefficients).reduce(intercept) { $0 + $1.0 * $1.1 })
    }

    /// Predicted outcome: probability above 1/2.
    public func predict(_ row: [Double]) -> Bool { probability(row) > 0.5 }

    public init(
        featureNames: [String], coefficients: [Double], intercept: Double,
        standardErrors: [Double?], interceptStandardError: Double?, zValues: [Double?], interceptZ: Double?,
        pValues: [Double?], interceptPValue: Double?, logLikelihood: Double, nullLogLikelihood: Double,
        iterations: Int, converged: Bool, rows: Int, designRank: Int, designColumns: Int,
        notIdentified: [String], perfectlySeparated: Bool
    ) {
        self.featureNames = featureNames
        self.coefficients = coefficients
        self.intercept = intercept
        self.standardErrors = standardErrors
        self.interceptStandardError = interceptStandardError
        self.zValues = zValues
        self.interceptZ = interceptZ
        self.pValues = pValues
        self.interceptPValue = interceptPValue
        self.logLikelihood = logLikelihood
        self.nullLogLikelihood = nullLogLikelihood
        self.iterations = iterations
        self.converged = converged
        self.rows = rows
        self.designRank = designRank
        self.designColumns = designColumns
        self.notIdentified = notIdentified
        self.perfectlySeparated = perfectlySeparated
    }

    enum CodingKeys: String, CodingKey {
        case features, coefficients, intercept
        case standardErrors = "standard_errors", interceptStandardError = "intercept_standard_error"
        case z, interceptZ = "intercept_z", pValues = "p_values", interceptPValue = "intercept_p_value"
        case logLikelihood = "log_likelihood", nullLogLikelihood = "null_log_likelihood", pseudoR2 = "pseudo_r2"
        case iterations, converged, rows, designRank = "design_rank", designColumns = "design_columns"
        case notIdentified = "not_identified", perfectlySeparated = "perfectly_separated"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(featureNames, forKey: .features)
        try container.encodeNamed(coefficients.map { Optional($0) }, names: featureNames, forKey: .coefficients)
        try container.encode(intercept, forKey: .intercept)
        try container.encodeNamed(standardErrors, names: featureNames, forKey: .standardErrors)
        try container.encode(interceptStandardError, forKey: .interceptStandardError)
        try container.encodeNamed(zValues, names: featureNames, forKey: .z)
        try container.encode(interceptZ, forKey: .interceptZ)
        try container.encodeNamed(pValues, names: featureNames, forKey: .pValues)
        try container.encode(interceptPValue, forKey: .interceptPValue)
        try container.encode(logLikelihood, forKey: .logLikelihood)
        try container.encode(nullLogLikelihood, forKey: .nullLogLikelihood)
        try container.encode(pseudoRSquared, forKey: .pseudoR2)
        try container.encode(iterations, forKey: .iterations)
        try container.encode(converged, forKey: .converged)
        try container.encode(rows, forKey: .rows)
        try container.encode(designRank, forKey: .designRank)
        try container.encode(designColumns, forKey: .designColumns)
        try container.encode(notIdentified, forKey: .notIdentified)
        try container.encode(perfectlySeparated, forKey: .perfectlySeparated)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let names = try container.decode([String].self, forKey: .features)
        featureNames = names
        coefficients = try container.decodeNamed(names: names, forKey: .coefficients).enumerated().map { index, value in
            guard let value else {
                throw DecodingError.valueNotFound(Double.self, .init(
                    codingPath: container.codingPath + [CodingKeys.coefficients],
                    debugDescription: "coefficient of '\(names[index])' is null"))
            }
            return value
        }
        intercept = try container.decode(Double.self, forKey: .intercept)
        standardErrors = try container.decodeNamed(names: names, forKey: .standardErrors)
        interceptStandardError = try container.decodeIfPresent(Double.self, forKey: .interceptStandardError)
        zValues = try container.decodeNamed(names: names, forKey: .z)
        interceptZ = try container.decodeIfPresent(Double.self, forKey: .interceptZ)
        pValues = try container.decodeNamed(names: names, forKey: .pValues)
        interceptPValue = try container.decodeIfPresent(Double.self, forKey: .interceptPValue)
        logLikelihood = try container.decode(Double.self, forKey: .logLikelihood)
        nullLogLikelihood = try container.decode(Double.self, forKey: .nullLogLikelihood)
        iterations = try container.decode(Int.self, forKey: .iterations)
        converged = try container.decode(Bool.self, forKey: .converged)
        rows = try container.decode(Int.self, forKey: .rows)
        designRank = try container.decode(Int.self, forKey: .designRank)
        designColumns = try container.decode(Int.self, forKey: .designColumns)
        notIdentified = try container.decode([String].self, forKey: .notIdentified)
        perfectlySeparated = try container.decode(Bool.self, forKey: .perfectlySeparated)
    }
}

/// A JSON object key that is any string (a feature name).
struct NameKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension KeyedEncodingContainer {
    /// Encodes `{name: value, ...}`, `null` for nil (key order is the encoder's).
    mutating func encodeNamed(_ values: [Double?], names: [String], forKey key: Key) throws {
        var object = nestedContainer(keyedBy: NameKey.self, forKey: key)
        for (name, value) in zip(names, values) {
            if let value { try object.encode(value, forKey: NameKey(name)) } else { try object.encodeNil(forKey: NameKey(name)) }
        }
    }
}

extension KeyedDecodingContainer {
    /// Decodes `{name: value, ...}` into `names` order; a missing key or `null` gives nil.
    func decodeNamed(names: [String], forKey key: Key) throws -> [Double?] {
        let object = try nestedContainer(keyedBy: NameKey.self, forKey: key)
        return try names.map { try object.decodeIfPresent(Double.self, forKey: NameKey($0)) }
    }
}
