import ActivationPatching
import Foundation
import ImpalaPolicy
import Tensors
import Testing

@Suite struct PatchSpecTests {
    @Test(arguments: [
        ("cheese:coeff=-1", #"{"kind":"cheese","coeff":-1}"#),
        ("top-right:coeff=1,source=2", #"{"kind":"top-right","coeff":1,"source":2}"#),
        ("retarget:channels=55,value=5.5,cell=5x11", #"{"kind":"retarget","channels":[55],"value":5.5,"cell":"5x11"}"#),
        ("ablate:channels=55,mode=zero", #"{"kind":"ablate","channels":[55],"mode":"zero"}"#),
        ("random:std=0.25,seed=3", #"{"kind":"random","std":0.25,"seed":3}"#),
        ("retarget:channels=[8,55,77],value=2.3,square=12x18,default=0,layer=embedder.block2.res1.resadd_out",
         #"{"kind":"retarget","channels":[8,55,77],"value":2.3,"square":"12x18","default":0,"layer":"embedder.block2.res1.resadd_out"}"#),
        ("ablate:channels=cheese,mode=multiply,factor=2", #"{"kind":"ablate","channels":[7,8,42,44,55,77,82,88,89,99,113],"mode":"multiply","factor":2}"#),
        ("resample:channels=all,source=7,cheese=target", #"{"kind":"resample","channels":"all","source":7,"cheese":"target"}"#),
        ("cheese", #"{"kind":"cheese"}"#),
    ])
    func textAndJSONFormsAreEqual(text: String, json: String) throws {
        let parsed = try PatchSpec(parsing: text)
        let decoded = try JSONDecoder().decode(PatchSpec.self, from: Data(json.utf8))
        #expect(parsed == decoded)
        #expect(try JSONDecoder().decode(PatchSpec.self, from: JSONEncoder().encode(parsed)) == parsed)
        #expect(try PatchSpec(parsing: parsed.description) == parsed)
    }

    @Test func badSpecsNameWhatIsWrong() {
        #expect(throws: PatchError.unknownKind(spec: "chese:coeff=1", kind: "chese",
                                               valid: ["cheese", "top-right", "retarget", "ablate", "random", "resample"])) {
            try PatchSpec(parsing: "chese:coeff=1")
        }
        #expect(throws: PatchError.unknownKey(spec: "cheese:coef=1", key: "coef", valid: ["layer", "coeff", "source"])) {
            try PatchSpec(parsing: "cheese:coef=1")
        }
        #expect(throws: PatchError.invalidValue(spec: "retarget:cell=5-11", key: "cell", value: "5-11",
                                                expected: "ROWxCOL, e.g. 5x11")) {
            try PatchSpec(parsing: "retarget:cell=5-11")
        }
    }

    /// Stand-in mazes: each (seed, variant) maps to one of the reference observations.
    static func resolver(_ network: ImpalaNetwork, _ input: Tensor) -> PatchResolver {
        PatchResolver(network: network) { seed, variant in
            let offset: Int
            switch variant {
            case .original: offset = 0
            case .cheeseRemoved: offset = 1
            case .topRightPath: offset = 2
            case .cheeseAtLocationOf: offset = 3
            }
            return input.batchElement((seed + offset) % 8)
        }
    }

    /// The resolver computes each source activation from one observation (batch 1), while `acts` below comes
    /// from the batch of 8. Those are different computations: OpenBLAS may pick another kernel or blocking for
    /// another batch size (e.g. under `OPENBLAS_CORETYPE=Haswell`), so they agree to rounding, not bit for bit.
    static let batchTolerance: Float = 1e-5

    @Test func mazeDependentSpecsResolveThroughTheObservationSeam() throws {
        let network = try Fixtures.network()
        let input = try Fixtures.input()
        let resolver = Self.resolver(network, input)
        let layer = PatchResolver.defaultLayer
        let acts = try network.forward(input, capturing: [layer]).activations[layer]!

        let cheese = try resolver.patch(for: PatchSpec(parsing: "cheese:coeff=-1"), targetSeed: 2)
        guard case let .addVector(cheeseLayer, vector, coefficient) = cheese else { Issue.record("\(cheese)"); return }
        #expect(cheeseLayer == layer && coefficient == -1)
        let expected = zip(acts.batchElement(2).scalars, acts.batchElement(3).scalars).map { $0 - $1 }
        #expect(vector.shape == [32, 16, 16])
        #expect(maxDifference(vector.scalars, expected) < Self.batchTolerance)

        let topRight = try resolver.patch(for: PatchSpec(parsing: "top-right:coeff=1,source=4"), targetSeed: 0)
        guard case let .addVector(_, trVector, _) = topRight else { Issue.record("\(topRight)"); return }
        let trExpected = zip(acts.batchElement(6).scalars, acts.batchElement(4).scalars).map { $0 - $1 }
        #expect(maxDifference(trVector.scalars, trExpected) < Self.batchTolerance)

        let retarget = try resolver.patch(for: PatchSpec(parsing: "retarget:channels=5,value=5,cell=3x11,default=0"),
                                          targetSeed: 0)
        #expect(retarget == .setCell(layer: layer, channels: .list([5]), cell: ChannelCell(row: 3, column: 11),
                                     value: 5, background: 0))
        let resample = try resolver.patch(for: PatchSpec(parsing: "resample:channels=1+2,source=5"), targetSeed: 0)
        guard case let .resample(resampleLayer, channels, source) = resample else { Issue.record("\(resample)"); return }
        #expect(resampleLayer == layer && channels == .list([1, 2]))
        try #require(source.shape == acts.batchElement(5).shape)
        #expect(source.maxAbsoluteDifference(to: acts.batchElement(5)) < Self.batchTolerance)

        // Applying the resolved cheese patch equals adding -1 x the difference by hand.
        let viaSpec = try network.forward(input, patch: resolver.patch(
            for: [PatchSpec(parsing: "cheese:coeff=-1")], targetSeed: 2))
        let byHand = try network.forward(input, patch: .addVector(
            layer: layer, vector: Tensor(shape: [32, 16, 16], scalars: expected.map { -$0 }), coefficient: 1))
        #expect(viaSpec.logits.maxAbsoluteDifference(to: byHand.logits) < 1e-6)
    }

    private func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
        guard a.count == b.count else { return .infinity }
        return zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    @Test func mazeSquaresMapToChannelCellsLikeProcgenTools() {
        // Row flipped first (24 - row), then (i + 0.5) * 64/25 // 4: square (0, 0) is the bottom-left cell.
        #expect(ChannelCell(mazeRow: 0, mazeColumn: 0, mapSize: 16) == ChannelCell(row: 15, column: 0))
        #expect(ChannelCell(mazeRow: 24, mazeColumn: 24, mapSize: 16) == ChannelCell(row: 0, column: 15))
        // The middle row's centre is pixel 32 exactly: procgen-tools' 32 // 4 = 8 (flip first, then floor).
        #expect(ChannelCell(mazeRow: 12, mazeColumn: 12, mapSize: 16) == ChannelCell(row: 8, column: 8))
        // Every row and map size against procgen-tools' formula, computed as its Python does.
        for mapSize in [32, 16, 8] {
            let stride = Double(64 / mapSize)
            for row in 0..<25 {
                let expected = Int((((Double(24 - row) + 0.5) * (64.0 / 25.0)) / stride).rounded(.down))
                #expect(ChannelCell(mazeRow: row, mazeColumn: row, mapSize: mapSize) == ChannelCell(row: expected, column: Int((((Double(row) + 0.5) * (64.0 / 25.0)) / stride).rounded(.down))))
            }
        }
    }
}
