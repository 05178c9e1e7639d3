import Foundation
import Statistics
import Testing

/// Maximum-likelihood fits against statsmodels 0.15 `Logit(y, add_constant(Z)).fit(method="newton")` on the
/// 516 filtered rows of seeds 1000..1999.
///
/// Tolerances: coefficients, standard errors and z values within 1e-6 relative (floor 1e-3, i.e. 1e-9 absolute
/// near zero); the log-likelihood within 1e-9 relative. Both solvers converge to ~1e-14 (statsmodels'
/// reported max |score| is 2e-14), so the remaining difference is rounding in the z-scores and the
/// Hessian inverse; measured: at most 2e-13 relative (printed by the tests).
/// p values are compared on the log scale (within 1e-6 of log p), which stays meaningful for p ~ 1e-14.
///
/// The rank-deficient `b_notebook11_logit`: we return the minimum-norm maximiser; statsmodels' Newton with
/// its 1e-10 ridge lands on it up to ~5e-7 relative in the three non-identified coefficients (tolerance 1e-5
/// there), and reports null standard errors for exactly the three we report as not identified.
@Suite struct LogisticRegressionReferenceTests {
    @Test func filterGivesTheReadmeRowCount() throws {
        #expect(try ReferenceData.seeds.count == 1000)
        #expect(try ReferenceData.filteredSeeds.count == 516)
        #expect(try ReferenceData.regression["rows"] as? Int == 516)
        let reached = try ReferenceData.filteredSeeds.filter { ReferenceData.number($0, "reached_cheese") == 1 }.count
        #expect(try reached == ReferenceData.regression["reached"] as? Int)
    }

    @Test func standardizationMatchesTheReferenceMeansAndDeviations() throws {
        let key = "b_notebook11_logit"
        let names = try ReferenceData.fit(key)["features"] as! [String]
        let raw = try ReferenceData.filteredSeeds.map { row in names.map { ReferenceData.number(row, $0)! } }
        let standardization = try Standardization(fitting: raw, names: names)
        let means = try ReferenceData.named(key, "feature_mean"), deviations = try ReferenceData.named(key, "feature_std")
        for (j, name) in names.enumerated() {
            #expect(relativeDifference(standardization.means[j], means[name]!!) < 1e-13, "\(name) mean")
            #expect(relativeDifference(standardization.standardDeviations[j], deviations[name]!!) < 1e-13, "\(name) std")
        }
    }

    @Test(arguments: ["a_claimed_logit", "b_notebook11_minus_collinear_logit", "b_notebook11_logit"])
    func matchesStatsmodels(key: String) throws {
        let (names, z, outcomes) = try ReferenceData.design(for: key)
        let fit = try LogisticRegression.fit(features: z, outcomes: outcomes, names: names)
        let reference = try ReferenceData.fit(key)
        let coefficients = try ReferenceData.named(key, "coefficients")
        let errors = try ReferenceData.named(key, "standard_errors")

        #expect(fit.converged)
        #expect(fit.rows == 516)
        #expect(fit.designRank == reference["design_rank"] as? Int)
        #expect(fit.designColumns == reference["design_columns"] as? Int)
        if fit.notIdentified.isEmpty {
            // statsmodels' ridge of 1e-10 makes its steps differ slightly on a singular design (9 there, 8 here).
            #expect(fit.iterations == reference["iterations"] as? Int)
        }

        var worst = (coefficient: 0.0, notIdentified: 0.0, standardError: 0.0, z: 0.0, logP: 0.0)
        func check(_ name: String, _ b: Double, _ se: Double?, _ zValue: Double?, _ p: Double?,
                   _ referenceB: Double, _ referenceSE: Double?) {
            let db = relativeDifference(b, referenceB)
            if referenceSE == nil {
                worst.notIdentified = max(worst.notIdentified, db)
            } else {
                worst.coefficient = max(worst.coefficient, db)
            }
            #expect(db < (referenceSE == nil ? 1e-5 : 1e-6), "\(key) \(name): coefficient \(b) vs \(referenceB)")
            guard let referenceSE else {
                // statsmodels: not finite (null) for a non-identified coefficient; we report nil.
                #expect(se == nil && zValue == nil && p == nil, "\(key) \(name): expected no standard error")
                return
            }
            guard let se, let zValue, let p else {
                Issue.record("\(key) \(name): standard error missing")
                return
            }
            let dse = relativeDifference(se, referenceSE)
            let referenceZ = referenceB / referenceSE
            let dz = relativeDifference(zValue, referenceZ)
            let referenceP = erfc(abs(referenceZ) / 2.0.squareRoot())
            let dp = abs(log(p) - log(referenceP))
            worst.standardError = max(worst.standardError, dse)
            worst.z = max(worst.z, dz)
            worst.logP = max(worst.logP, dp)
            #expect(dse < 1e-6, "\(key) \(name): standard error \(se) vs \(referenceSE)")
            #expect(dz < 1e-6, "\(key) \(name): z \(zValue) vs \(referenceZ)")
            #expect(dp < 1e-6, "\(key) \(name): p \(p) vs \(referenceP)")
        }
        for (j, name) in names.enumerated() {
            check(name, fit.coefficients[j], fit.standardErrors[j], fit.zValues[j], fit.pValues[j],
                  coefficients[name]!!, errors[name]!)
        }
        check("intercept", fit.intercept, fit.interceptStandardError, fit.interceptZ, fit.interceptPValue,
              reference["intercept"] as! Double, reference["intercept_standard_error"] as? Double)

        let ll = reference["log_likelihood"] as! Double, ll0 = reference["ll_null"] as! Double
        #expect(relativeDifference(fit.logLikelihood, ll) < 1e-9)
        // statsmodels fits the null model numerically; ours is the closed form (measured 4e-11 apart).
        #expect(relativeDifference(fit.nullLogLikelihood, ll0) < 1e-9)
        #expect(relativeDifference(fit.pseudoRSquared, reference["pseudo_r2"] as! Double) < 1e-9)
        let accuracy = Classification.accuracy(predicted: z.map(fit.predict), actual: outcomes)
        #expect(abs(accuracy - (reference["training_accuracy"] as! Double)) < 1e-12)
        let missing = names.filter { errors[$0]! == nil }
        #expect(fit.notIdentified == missing)
        print("""
            statsmodels \(key): max relative difference coefficient \(worst.coefficient) \
            (not identified: \(worst.notIdentified)), \
            standard error \(worst.standardError), z \(worst.z); max |Δ log p| \(worst.logP); \
            log-likelihood \(fit.logLikelihood - ll); iterations \(fit.iterations)
            """)
    }

    @Test func resultEncodesAsTheIssueShapedJSON() throws {
        let (names, z, outcomes) = try ReferenceData.design(for: "b_notebook11_logit")
        let fit = try LogisticRegression.fit(features: z, outcomes: outcomes, names: names)
        let data = try JSONEncoder().encode(fit)
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let coefficients = object["coefficients"] as! [String: Any]
        let errors = object["standard_errors"] as! [String: Any]
        #expect(Set(coefficients.keys) == Set(names))
        #expect(errors["steps_between_cheese_top_right"] is NSNull)
        // JSONSerialization's number parsing may differ from JSONDecoder's in the last bit.
        let se = fit.standardErrors[names.firstIndex(of: "cheese_coord_norm")!]!
        #expect(relativeDifference(errors["cheese_coord_norm"] as! Double, se) < 1e-15)
        #expect(object["rows"] as? Int == 516)
        #expect(relativeDifference(object["log_likelihood"] as! Double, fit.logLikelihood) < 1e-15)
        for key in ["intercept", "z", "p_values"] { #expect(object[key] != nil, "\(key)") }
        #expect(object["features"] as? [String] == names)
        let decoded = try JSONDecoder().decode(LogisticFit.self, from: data)
        #expect(decoded == fit)
    }
}
