/// A table of text cells as a CSV file (RFC 4180: comma-separated, `\n` line ends, a cell quoted when it holds
/// a comma, a quote or a line break, quotes doubled), with a header row of column names. Empty cells stand for
/// missing values. Written through `OutputFile` (atomic).
public struct CSVTable: Equatable, Sendable {
    public var columns: [String]
    public var rows: [[String]]

    public init(columns: [String], rows: [[String]] = []) {
        self.columns = columns
        self.rows = rows
    }

    /// The CSV text, header first, every line ending in `\n`.
    public var text: String {
        var out = ""
        for line in [columns] + rows {
            out += line.map(Self.quoted).joined(separator: ",")
            out += "\n"
        }
        return out
    }

    /// Writes the table to `path` atomically.
    public func write(to path: String) throws(OutputFileError) {
        try OutputFile.write(text: text, to: path)
    }

    /// The values of column `name`, one per row. - Returns: nil when there is no such column.
    public func column(_ name: String) -> [String]? {
        guard let index = columns.firstIndex(of: name) else { return nil }
        return rows.map { $0[index] }
    }

    static func quoted(_ cell: String) -> String {
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return cell }
        return "\"" + cell.replacingAll("\"", with: "\"\"") + "\""
    }

    /// A parse failure: the file, the 1-based line and what is wrong.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let file: String
        public let line: Int
        public let problem: String
        public var description: String { "\(file):\(line): \(problem)" }
    }

    /// Parses CSV text whose first record names the columns; every record must have as many cells.
    /// - Throws: `ParseError` naming `file` and the line (an unterminated quote, a ragged row).
    public init(parsing text: String, file: String) throws(ParseError) {
        var records: [[String]] = []
        var record: [String] = []
        var cell = ""
        var quoted = false, afterQuote = false
        var line = 1, recordLine = 1
        var iterator = text.makeIterator()
        var pending: Character? = nil
        func next() -> Character? {
            if let c = pending { pending = nil; return c }
            return iterator.next()
        }
        while let c = next() {
            if quoted {
                if c == "\"" {
                    if let following = next() {
                        if following == "\"" { cell.append("\"") } else { quoted = false; afterQuote = true; pending = following }
                    } else {
                        quoted = false
                        afterQuote = true
                    }
                } else {
                    if c == "\n" || c == "\r\n" { line += 1 }
                    cell.append(c)
                }
                continue
            }
            switch c {
            case "\"" where cell.isEmpty && !afterQuote:
                quoted = true
            case ",":
                record.append(cell)
                cell = ""
                afterQuote = false
            case "\n", "\r\n":
                record.append(cell)
                records.append(record)
                record = []
                cell = ""
                afterQuote = false
                line += 1
                recordLine = line
            default:
                guard !afterQuote else { throw ParseError(file: file, line: line, problem: "text after a closing quote") }
                cell.append(c)
            }
        }
        if quoted { throw ParseError(file: file, line: recordLine, problem: "a quoted cell is never closed") }
        if !cell.isEmpty || !record.isEmpty || afterQuote {
            record.append(cell)
            records.append(record)
        }
        guard let header = records.first else { throw ParseError(file: file, line: 1, problem: "no header row") }
        for (index, row) in records.enumerated().dropFirst() where row.count != header.count {
            throw ParseError(file: file, line: index + 1,
                             problem: "\(row.count) cells where the header names \(header.count) columns")
        }
        columns = header
        rows = Array(records.dropFirst())
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
