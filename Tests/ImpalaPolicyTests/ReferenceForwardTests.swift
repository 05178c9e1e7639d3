import Foundation
import ImpalaPolicy
import ModelFiles
import Tensors
import Testing

@Suite struct ReferenceForwardTests {
    @Test(arguments: [Fixtures.zip, Fixtures.legacy, Fixtures.safetensors])
    func logitsLogSoftmaxAndValueMatchPyTorch(file: URL) throws {
        let network = try Fixtures.network(file)
        #expect(network.scale == 1 && network.channels == [16, 32, 32] && network.actionCount == 15)
        let output = try network.forward(try Fixtures.input())
        for (n, reference) in try Fixtures.perObservation.enumerated() {
            let logits = reference["logits"] as! [Double], logSoftmax = reference["log_softmax"] as! [Double]
            let probs = reference["probs"] as! [Double]
            #expect(Fixtures.close(Fixtures.row(output.logits, n), logits),
                    "obs \(n) logits off by \(Fixtures.worst(Fixtures.row(output.logits, n), logits))")
            #expect(Fixtures.close(Fixtures.row(output.logSoftmax, n), logSoftmax), "obs \(n) log_softmax")
            #expect(Fixtures.close(Fixtures.row(output.probabilities, n), probs), "obs \(n) probs")
            #expect(Fixtures.close([output.values[n]], [reference["value"] as! Double]), "obs \(n) value")
            // 5-way groups: LEFT {0,1,2}, DOWN {3}, UP {5}, RIGHT {6,7,8}, NOOP {4,9..14}.
            let groups = [[0, 1, 2], [3], [5], [6, 7, 8], [4, 9, 10, 11, 12, 13, 14]].map { $0.map { probs[$0] }.reduce(0, +) }
            #expect(Fixtures.close(Fixtures.row(output.groupProbabilities, n), groups), "obs \(n) groups")
        }
    }

    @Test func everyRecordedActivationMatchesPyTorch() throws {
        let network = try Fixtures.network()
        let recorded = try Fixtures.recordedActivations()
        let labels = Array(recorded.keys)
        let output = try network.forward(try Fixtures.input(), capturing: labels + ["embedder.block1.conv_in0"])
        #expect(output.activations.count == labels.count + 1)
        for label in labels.sorted() {
            let ours = try #require(output.activations[label], "\(label) not captured")
            let reference = recorded[label]!
            #expect(ours.shape == reference.shape, "\(label)")
            let ok = zip(ours.scalars, reference.scalars).allSatisfy { a, b in
                let d = abs(a - b)
                return d <= 1e-5 || d <= 1e-4 * abs(b)
            }
            #expect(ok, "\(label): worst abs error \(ours.maxAbsoluteDifference(to: reference))")
        }
        // The canonical labels the reference records cover all but the input (recorded as the observations).
        let canonical = Set(try labels.map(ActivationLabels.canonical))
        #expect(canonical == Set(ActivationLabels.all.dropFirst()))
        #expect(ActivationLabels.all.count == 43)
        #expect(output.activations["embedder.block1.conv_in0"] == (try Fixtures.input()))
    }

    @Test func theCheckpointWithOptimizerStateLoadsItsOwnWeights() throws {
        let network = try Fixtures.network(Fixtures.withOptimizer)
        let output = try network.forward(try Fixtures.input())
        for (n, reference) in try Fixtures.perObservation.enumerated() {
            let expected = reference["with_optim_checkpoint"] as! [String: Any]
            #expect(Fixtures.close(Fixtures.row(output.logits, n), expected["logits"] as! [Double]), "obs \(n)")
            #expect(Fixtures.close([output.values[n]], [expected["value"] as! Double]), "obs \(n)")
        }
    }

    @Test func onlyRequestedActivationsAreKept() throws {
        let network = try Fixtures.network()
        let output = try network.forward(try Fixtures.input().batchSlice(0..<2),
                                         capturing: ["embedder.block2.res1.resadd_out", "embedder_out"])
        #expect(Set(output.activations.keys) == ["embedder.block2.res1.resadd_out", "embedder_out"])
        #expect(output.activations["embedder.block2.res1.resadd_out"]?.shape == [2, 32, 16, 16])
        #expect(try network.activationShape(of: "embedder.block2.res1.resadd_out") == [32, 16, 16])
    }

    @Test func batchResultsDoNotDependOnBatchComposition() throws {
        let network = try Fixtures.network()
        let input = try Fixtures.input()
        let whole = try network.forward(input)
        for n in [0, 5, 7] {
            let single = try network.forward(input.batchElement(n))
            #expect(single.logits.scalars == Fixtures.row(whole.logits, n) || Fixtures.close(
                single.logits.scalars, Fixtures.row(whole.logits, n).map(Double.init)))
        }
    }

    @Test func observationsAreDividedBy255() throws {
        let bytes = (0..<(64 * 64 * 3)).map { UInt8($0 % 256) }
        let tensor = try PolicyInput.tensor(fromNHWC: bytes)
        #expect(tensor.shape == [1, 3, 64, 64])
        for p in [0, 1, 77, 4095] {
            for c in 0..<3 { #expect(tensor[0, c, p / 64, p % 64] == Float(bytes[3 * p + c]) / 255) }
        }
    }
}
