import MazeObservation
import MazeSimulation
import Testing

/// Easy mode (15x15 world, `view_dim = 14.999999f`): SHA-256 digests of observations recorded from the real
/// procgen 0.10.7 wheel (`ProcgenGym3Env(num=1, env_name="maze", distribution_mode="easy", num_levels=1,
/// start_level=SEED, rand_seed=0)`), since the shared reference holds only hard-mode data.
@Suite struct EasyModeTests {
    /// `sha256(obs["rgb"][0].tobytes())` of the first observation of easy-mode seeds 0..<60.
    static let firstObservationDigests = [
        "07d560a2efaae87cf3c4ad7c2628dd9c3e03ef1941693267d45770df12a799db",
        "fef0d944b7bf89a140a38f43c94d93f9691e25b86feafc531fd72ba7a1473e37",
        "804a48551ec7201d463f973055bad9734fad551950caba3075c8b8fe315b4632",
        "1ba3b20c835cadee25ad114b2e6912c708daee59b320827aade86b094605f63a",
        "da77126949f47075d755913ade07769ba364329b2cc3a152c291672234aeb009",
        "b6096712e04c5b229c93921077acb87454ed501aa6ae96ebc9f8f95b11bf52b0",
        "806d439675fe4bdcca1bf9005b3d06de1e4a1e12d87e85c6ccc66b3c4163f6dc",
        "9830d9cb10fc7b8d191df99f1595f4fa32564024b39cc936fcd574b8fa96c5fa",
        "3e1733c26ca5c927712f57d2acc4b84613a2dc2edbfc80e72e8e038bc68c8d5d",
        "45d9f11ccea1dfe6c48da6e23cde0dfab1b745a2d88b9acc79f1fd17013b061d",
        "592fe6f2f35ccd7f6aa06b4fd675b90b0606c8cb5bd10258099005c9396927b6",
        "88dd0c905b7e6b3e6a4c6b21aea322e559d746c2125360e87f193b4c7cb51944",
        "e3222aacde3b810b8be0d7e05d7e77bcd18124869e747b943a7a71af7d20cc3a",
        "0c1b044a4df61e6e378955037d9ccb9490a0df3286ee07e610b1111e0367e702",
        "decc5adfa5c6671026972c1008e6b9a03d33aee72649844ffc3cad1a1f33b7f8",
        "ee56aa59d9359618f2ee23989c0d2260d7d9ad00aceced8b377fef2cab0ab4da",
        "c766b490e59fc5b2b519d8226c0afd2871915b0182ed6300f1e87115ccefe1bd",
        "1eed412402b606d586f1e42eff18c062876729ef47f816b5267f69b267649b29",
        "fdf478a929349a557f415adaa927fea21923208829dbc0ff26b862bc894ea5db",
        "6d95413e9b954fd0e8ba635146bb7347338ef2e72ffbfe6f9aa4fc2aa9244507",
        "0c4413d35740743ea5f7cba34c0ac105ce7b3ffa6f644449648ef889ddb38a28",
        "69cfcd0fa53d6cbbb05a0133a67baff16b0ebe568a7a58fe4ea65b257e03cb35",
        "9c404b17f0cfa99f01d6507f7c2da20f04a15a54192730a7ead03729a75d51d2",
        "cf7e17c1223a9e251806c4ca295aba27c9fde81d24d324934a38a6e730e961dd",
        "2d04dc5aac02b040c8c7714d355f23d54556ed5968549b25d140e2955c8732a9",
        "7ca88eb9d1ca5ba2d72c8a31be4830bd8a936e42e9d821f787f927a0e16f0870",
        "1a81e1c4eccf0a02577b76f5dab224e69003dec8def8ede0ca79a77626939683",
        "ed6fb01ada1ca530e1e5bf10bcdc46155e24f26fec74ecc1a6fe82a000363638",
        "401e5b045f71aca661cd343af41725e06c38e38f3cf42c6d7e89bbb51161a842",
        "baa769b2dcd17451372b1bb6a76901c91f7dccba7505af5b62217e2dc455b1b9",
        "3270a9683a656973f96442b53122b43601966f50765b86a1136087171d963467",
        "5540adb9a5b8d699aa280c22265701b23596b6501e1ca12ee61d7ac8fe30848b",
        "1a9d41019171925eea9b1d26905c5e7f99dfb0d26b2eec50eafa0c1f92327d45",
        "e7333559a869747af6ccbe6ab19083eabd9230b9ee722ebd7ffb201ea241e8e2",
        "e595093cabb2b444c0f26c4dbf02a4ab61a05b276c7bb06c452bfedb38413dad",
        "6ba2baba55bc8a260e8b22b4ff3cbdda3636075d1b326c673306980008bb5ae9",
        "ed0548ec25daa6e81acea5d722257f57680900a648329533368f6ea34cb3e3bf",
        "c3b0356e4a670cdf8f9709d1b54ca56db5e75c5d202bb231dee6fded76feabe9",
        "c283234f9a8bc1bba44ca29613a725b4a53c5e14359df2e094568a6a639074f9",
        "f62dad24c6c85ca679cb07b1cd07f2ac295c5bb1ef0b38b5f180ff078e6060e7",
        "a3271c51e4e981978330d38bfe75c3fcf0ed4d4d3cf68b9f0d73b7eec5716c1c",
        "b1c4ce587807620d609cfbd30af3d1dbf579918e3c84f005a90105d3428af9e9",
        "45d70b1760c0c272f49d1700903cdf275226298ce7bb72fb28a045e17e09a4d7",
        "7ffa71d233742b8176581762c7dfe94eb337a3f0271ae537a62a21e4065e074a",
        "7389a34e60fd0cb5d6d51e8dcd197b74cc77ff68c7e1e2785f8f9ad5ec75400e",
        "596a529509f8bfc4ff99d20145340fa37a9f3c96c4ce72dd2f56601d4fb52a0d",
        "864674fbdde9e91d2fc717c6e6d9e08b61346e94e5c02f69b2b684c54501c7d0",
        "68ff893f5e4d3ced1f1556f827b63e49ef73dbe23e25fd37ba97cd4a0027f64d",
        "36666018b03013beb5a21613e45977696c07e6296c68152fdfe38f45134c4704",
        "e52ffba083877a3623b13ff09abab612ffe3b23548a673d63f1c28cb71f1c9f7",
        "e17cb2ede09c64d825d0aa606ef3eb98a06ea70a6f52d89916bf0d0d70b7737e",
        "5080c3e71af07095a1ddf3da3afa2a75589960f2ffd47e2ed74998c381b1de45",
        "3d745747c8093de41229fbc913e0e09a5c546e66753440b50231ce6539e1786c",
        "7ee72c23863f833cff35a951ab7f72e17af3bd2e5d61011891e42e5c8d9ec382",
        "5b98105d356acd4d55d697886f1aa5f56fced68a6fcbf4feb815c48ab7d618d2",
        "15a383a99a6cfc0502523a11ed8ee20c3c0dfe4c80d9292bbc771e425eb636c0",
        "864674fbdde9e91d2fc717c6e6d9e08b61346e94e5c02f69b2b684c54501c7d0",
        "0ba20a1b57031ae957078f8fbd3f100399fdb4da667fc8d0f650d4b56680204b",
        "3d5de9d162cd24f868952b9a2fbe59f244fa93582fa10e1d2770c5dfb8c91b09",
        "060343ed1ab72a4c57652da4466b8426ea555e8b41a0d4efd6031a6c46d3492c"
    ]

    @Test("first observation of easy-mode seeds 0-59 equals procgen's", arguments: 0..<60)
    func firstObservation(seed: Int) throws {
        let renderer = try Fixtures.loadRenderer()
        let state = LevelGenerator(mode: .easy).generate(seed: Int32(seed))
        #expect(SHA256.hexDigest(renderer.render(state).rgb) == Self.firstObservationDigests[seed], "easy seed \(seed)")
    }

    /// Random walks (actions 1, 3, 5, 7 and 4) with the digest of all 61 observations, `[61, 64, 64, 3]`,
    /// from the initial one on: they cover the mirrored mouse and the background phase of easy mode.
    static let walks: [(seed: Int32, actions: String, digest: String)] = [
        (0, "741777374571175313434137717415713747713331577757511744173735", "b807346925cb443e6cdad16e50b29600810a9926414cbad80060f0a86b0780af"),
        (1, "513333775717473577777777717754441343714135751475541431557575", "f2bb1e44777863d3fb8bedb8c736833336cf0403e28f6edd29161bb7535525ff"),
        (2, "357775773573537571757111757171414575741117155177741774774347", "c90050fd1eb57d98bcc08dde58117d93c423e271db771efb21ee56c2727bb7fe"),
        (3, "111443173447311777344113517433714175757744717175744715773477", "3d6b64b902b8f62d681b0aa5a55999b12f41596409fb7ec4c2cacd7d04478c04"),
        (4, "447733375577357444375513417175441143317171771377754335347454", "d64e258e1e09eaf5186e83643867721b5d8e6925a522906977c6db591695ece7"),
    ]

    @Test("easy-mode random walks render as procgen did", arguments: 0..<5)
    func walk(index: Int) throws {
        let renderer = try Fixtures.loadRenderer()
        let walk = Self.walks[index]
        var environment = MazeEnvironment(schedule: .fixed(seed: walk.seed), generator: LevelGenerator(mode: .easy))
        var bytes = renderer.render(environment.state).rgb
        for character in walk.actions {
            _ = environment.step(try #require(MazeAction(rawValue: Int(String(character))!)))
            bytes += renderer.render(environment.state).rgb
        }
        #expect(SHA256.hexDigest(bytes) == walk.digest, "easy walk on seed \(walk.seed)")
    }
}
