import Foundation
import Logging
import MadoguchiDomain
import PostgresNIO

/// The resident-registry extract (住基, C5): replaced as a whole by each import, in one
/// transaction, so a lookup sees either the old extract or the new one, never a mix.
public struct RegistryStore: Sendable {
    public let database: Database
    var logger: Logger { database.logger }

    public init(database: Database) {
        self.database = database
    }

    static let select = """
        SELECT id, resident_key, name, kana, birth_date::text, sex, address, juki_card, status FROM registry_person
        """

    static func decode(_ r: (Int64, String, String, String, String, String, String, Bool, String)) -> RegistryRecord {
        RegistryRecord(id: r.0, residentKey: r.1, name: r.2, kana: r.3, birthDate: CalendarDate(r.4) ?? CalendarDate(year: 1900, month: 1, day: 1)!,
               sex: Sex(rawValue: r.5) ?? .unspecified, address: r.6, jukiCard: r.7, status: RegistryStatus(rawValue: r.8) ?? .other)
    }

    /// Replaces the extract. Returns the import's id.
    public func replace(with records: [RegistryRecord], fileName: String, sha256: String, encoding: String, staffUserID: Int64?, now: Date,
                        progress: (@Sendable (Int) -> Void)? = nil, on connection: PostgresConnection) async throws -> Int64 {
        // Two replacements at once would each delete only the rows they can see and leave both extracts.
        try await connection.execute("SELECT pg_advisory_xact_lock(hashtext('madoguchi.registry-import'))", logger: logger)
        guard let importID = try await connection.first("""
            INSERT INTO ledger_import (kind, file_name, file_sha256, encoding, rows, created, staff_user_id, at)
            VALUES ('registry', \(String(fileName.prefix(255))), \(sha256), \(encoding), \(records.count), \(records.count), \(staffUserID), \(now))
            RETURNING id
            """, as: (Int64).self, logger: logger) else { throw LedgerError.notFound }
        // DELETE, not TRUNCATE: TRUNCATE would lock readers out until commit; DELETE lets lookups
        // keep reading the old extract while the new one loads.
        try await connection.execute("DELETE FROM registry_person", logger: logger)
        let columns = ["resident_key", "name", "kana", "birth_date", "sex", "address", "juki_card", "status", "import_id"]
        try await connection.copyFrom(table: "registry_person", columns: columns, logger: logger) { writer in
            var buffer = ByteBuffer()
            for (n, r) in records.enumerated() {
                CopyText.append([r.residentKey, r.name, r.kana, r.birthDate.description, r.sex.rawValue, r.address, r.jukiCard ? "t" : "f",
                                 r.status.rawValue, String(importID)], to: &buffer)
                if (n + 1) % 5000 == 0 {
                    try await writer.write(buffer)
                    buffer.clear()
                    progress?(n + 1)
                }
            }
            if buffer.readableBytes > 0 { try await writer.write(buffer) }
            progress?(records.count)
        }
        try await connection.execute("ANALYZE registry_person", logger: logger)
        return importID
    }

    /// The current extract: when it was imported, from which file, how many people.
    public func current() async throws -> (fileName: String, at: Date, rows: Int)? {
        try await database.client.first("""
            SELECT file_name, at, rows FROM ledger_import WHERE kind = 'registry' ORDER BY id DESC LIMIT 1
            """, as: (String, Date, Int32).self, logger: logger).map { ($0.0, $0.1, Int($0.2)) }
    }

    /// Prefix lookup (all given conditions must hold), served by the text_pattern_ops indexes.
    public func search(_ query: RegistryQuery, limit: Int = 100) async throws -> [RegistryRecord] {
        guard !query.isEmpty else { return [] }
        var conditions: [String] = []
        var binds: [any PostgresEncodable & Sendable] = []
        func bind(_ value: any PostgresEncodable & Sendable) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        if let kana = Kana.searchKey(query.kana), !kana.isEmpty { conditions.append("kana_key LIKE \(bind(SQLText.likeEscaped(kana) + "%"))") }
        let name = query.name.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\u{3000}", with: "")
        if !name.isEmpty { conditions.append("name_key LIKE \(bind(SQLText.likeEscaped(name) + "%"))") }
        if let birth = query.birthDate { conditions.append("birth_date = \(bind(birth.description))::date") }
        let address = FileValue.text(query.address)
        if !address.isEmpty { conditions.append("address LIKE \(bind(SQLText.likeEscaped(address) + "%"))") }
        if conditions.isEmpty { return [] }
        var sql = PostgresQuery(unsafeSQL: Self.select + " WHERE " + conditions.joined(separator: " AND ") + " ORDER BY kana_key, birth_date, id LIMIT \(limit)")
        for b in binds { try sql.binds.append(b) }
        return try await database.client.all(sql, as: (Int64, String, String, String, String, String, String, Bool, String).self, logger: logger).map(Self.decode)
    }

    public func match(name: String, kanaKey: String, birthDate: CalendarDate?, sex: Sex?, address: String) async throws -> RegistryMatch {
        guard let birthDate, !kanaKey.isEmpty else { return RegistryMatch(person: nil, candidates: 0, flags: ["照合に必要なフリガナか生年月日がありません"]) }
        let found = try await database.client.all(PostgresQuery(unsafeSQL: Self.select + " WHERE kana_key = $1 AND birth_date = $2::date ORDER BY id LIMIT 20",
                                                                  binds: try binds(kanaKey, birthDate.description)),
                                                  as: (Int64, String, String, String, String, String, String, Bool, String).self, logger: logger).map(Self.decode)
        guard !found.isEmpty else { return RegistryMatch(person: nil, candidates: 0, flags: ["住基に該当者がいません（フリガナ・生年月日で照合）"]) }
        let key = { (s: String) in s.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\u{3000}", with: "") }
        let person = found.first(where: { key($0.name) == key(name) }) ?? found[0]
        var flags: [String] = []
        if found.count > 1 { flags.append("同じフリガナ・生年月日の方が住基に\(found.count)人います") }
        if !name.isEmpty && key(person.name) != key(name) { flags.append("氏名が住基と異なります（住基: \(person.name)）") }
        if let sex, sex != .unspecified, person.sex != .unspecified, sex != person.sex { flags.append("性別が住基と異なります") }
        if !address.isEmpty && !person.address.isEmpty && !CardData.sameAddress(address, person.address) { flags.append("住所が住基と異なります（住基: \(person.address)）") }
        if person.status != .resident { flags.append("住基の状態: \(person.status.label)") }
        return RegistryMatch(person: person, candidates: found.count, flags: flags)
    }

    func binds(_ values: String...) throws -> PostgresBindings {
        var b = PostgresBindings()
        for v in values { b.append(v) }
        return b
    }
}
