import OutputFiles
import PolicyExperiments
import Testing

@Suite("shards and CSV tables")
struct ShardAndTableTests {
    @Test("K/N blocks cover the seeds once, in order, sizes within one")
    func blocks() throws {
        let items = Array(0..<10)
        var joined: [Int] = []
        for k in 1...3 { joined += try Shard(index: k, count: 3).part(of: items) }
        #expect(joined == items)
        #expect(try (1...4).map { try Shard(index: $0, count: 4).part(of: items).count } == [2, 3, 2, 3])
        #expect(try Shard(parsing: "2/8") == Shard(index: 2, count: 8))
        for bad in ["0/3", "4/3", "1/0", "a/b", "3", "1/2/3", ""] {
            #expect(throws: ShardError.self) { try Shard(parsing: bad) }
        }
    }

    @Test("scheduler environments: Slurm arrays from 0 or 1, Kubernetes indexed jobs from 0")
    func environments() throws {
        #expect(try Shard.fromEnvironment([:]) == nil)
        #expect(try Shard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_MIN": "0",
                                           "SLURM_ARRAY_TASK_COUNT": "4"]) == Shard(index: 1, count: 4))
        #expect(try Shard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_MIN": "1",
                                           "SLURM_ARRAY_TASK_COUNT": "4"]) == Shard(index: 4, count: 4))
        #expect(try Shard.fromEnvironment(["JOB_COMPLETION_INDEX": "2"], count: 3) == Shard(index: 3, count: 3))
        #expect(throws: ShardError.self) { try Shard.fromEnvironment(["JOB_COMPLETION_INDEX": "2"]) }
        #expect(throws: ShardError.self) {
            try Shard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "4"])
        }
    }

    @Test("CSV: quoting round-trips; ragged rows and open quotes are refused with the line")
    func csv() throws {
        let table = CSVTable(columns: ["a", "b,c", "d"], rows: [["1", "", "say \"hi\""], ["x\ny", "2", "3"]])
        #expect(table.text == "a,\"b,c\",d\n1,,\"say \"\"hi\"\"\"\n\"x\ny\",2,3\n")
        #expect(try CSVTable(parsing: table.text, file: "t.csv") == table)
        #expect(try CSVTable(parsing: "a,b\n1,2", file: "t.csv").rows == [["1", "2"]])
        let ragged = try #require(throws: CSVTable.ParseError.self) { try CSVTable(parsing: "a,b\n1,2\n3\n", file: "t.csv") }
        #expect(ragged.line == 3 && ragged.description.hasPrefix("t.csv:3:"))
        #expect(throws: CSVTable.ParseError.self) { try CSVTable(parsing: "a\n\"open\n", file: "t.csv") }
    }
}
