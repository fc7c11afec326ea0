import Foundation
import Logging
import MadoguchiDomain
import PostgresNIO

/// Storage places (保管場所, C9): cabinets of drawers of slots, each slot holding up to its
/// capacity. A card takes a place with a conditional UPDATE, so two clerks inspecting at once
/// cannot over-fill a slot; the table's CHECK is the last line.
public struct StorageStore: Sendable {
    public let database: Database
    var logger: Logger { database.logger }

    public init(database: Database) {
        self.database = database
    }

    /// Natural order of codes: 2 before 10.
    static let slotOrder = "p.sort_order, length(p.cabinet_code), p.cabinet_code, length(p.drawer_code), p.drawer_code, length(p.slot_code), p.slot_code"

    static let selectSlot = "SELECT p.id, p.code, p.cabinet_name, p.capacity, p.used FROM storage_place p"

    static func slot(_ r: (Int64, String, String, Int32, Int32)) -> StorageSlot {
        StorageSlot(id: r.0, code: r.1, cabinetName: r.2, capacity: Int(r.3), used: Int(r.4))
    }

    public func cabinets() async throws -> [StorageCabinet] {
        try await database.client.all("""
            SELECT c.id, c.code, c.name, l.name, count(DISTINCT d.id)::bigint, count(s.id)::bigint,
                   coalesce(sum(s.capacity), 0)::bigint, coalesce(sum(s.used), 0)::bigint
            FROM storage_cabinet c LEFT JOIN location l ON l.id = c.location_id
            LEFT JOIN storage_drawer d ON d.cabinet_id = c.id LEFT JOIN storage_slot s ON s.drawer_id = d.id
            GROUP BY c.id, l.name ORDER BY c.sort_order, length(c.code), c.code
            """, as: (Int64, String, String, String?, Int64, Int64, Int64, Int64).self, logger: logger).map {
            StorageCabinet(id: $0.0, code: $0.1, name: $0.2, locationName: $0.3, drawers: Int($0.4), slots: Int($0.5), capacity: Int($0.6), used: Int($0.7))
        }
    }

    public func slots(cabinetID: Int64? = nil) async throws -> [StorageSlot] {
        try await database.client.all(PostgresQuery(unsafeSQL: """
            \(Self.selectSlot) \(cabinetID.map { "WHERE p.cabinet_id = \($0)" } ?? "") ORDER BY \(Self.slotOrder)
            """), as: (Int64, String, String, Int32, Int32).self, logger: logger).map(Self.slot)
    }

    public func slot(code: StoragePlaceCode, on executor: (any SQLExecutor)? = nil) async throws -> StorageSlot? {
        var query = PostgresQuery(unsafeSQL: Self.selectSlot + " WHERE p.code = $1")
        query.binds.append(code.description)
        return try await (executor ?? database.client).first(query, as: (Int64, String, String, Int32, Int32).self, logger: logger).map(Self.slot)
    }

    /// Adds a cabinet with `drawers` drawers of `slotsPerDrawer` slots each (codes 1, 2, …).
    public func createCabinet(code: String, name: String, locationID: Int64?, drawers: Int, slotsPerDrawer: Int, capacity: Int,
                              on connection: PostgresConnection) async throws -> Int64 {
        let code = code.uppercased()
        guard StoragePlaceCode.isCode(code), name.unicodeScalars.count <= 100, (1...50).contains(drawers), (1...200).contains(slotsPerDrawer), (1...1000).contains(capacity) else {
            throw InvalidInput([FieldProblem(field: "code", message: "棚の記号は英数字10文字まで、名称は100文字まで、段は1〜50、区画は1〜200、容量は1〜1000です。")])
        }
        guard let id = try await connection.first("""
            INSERT INTO storage_cabinet (code, name, location_id) VALUES (\(code), \(name), \(locationID))
            ON CONFLICT (code) DO NOTHING RETURNING id
            """, as: (Int64).self, logger: logger) else {
            throw InvalidInput([FieldProblem(field: "code", message: "棚「\(code)」はすでにあります。")])
        }
        try await connection.execute("""
            WITH drawers AS (
                INSERT INTO storage_drawer (cabinet_id, code) SELECT \(id), g::text FROM generate_series(1, \(drawers)) g RETURNING id
            )
            INSERT INTO storage_slot (drawer_id, code, capacity)
            SELECT d.id, g::text, \(capacity) FROM drawers d CROSS JOIN generate_series(1, \(slotsPerDrawer)) g
            """, logger: logger)
        return id
    }

    public func setCapacity(slotID: Int64, capacity: Int, on connection: PostgresConnection) async throws {
        let rows = try await connection.all("""
            UPDATE storage_slot SET capacity = \(capacity) WHERE id = \(slotID) AND used <= \(capacity) AND \(capacity) BETWEEN 1 AND 1000 RETURNING id
            """, as: (Int64).self, logger: logger)
        if rows.isEmpty { throw InvalidInput([FieldProblem(field: "capacity", message: "容量は1〜1000で、いま入っている枚数以上にしてください。")]) }
    }

    /// The first slot with room, in shelf order: where the clerk puts the card being inspected.
    public func suggestFree(on executor: (any SQLExecutor)? = nil) async throws -> Int64? {
        try await (executor ?? database.client).first(PostgresQuery(unsafeSQL: """
            SELECT p.id FROM storage_place p WHERE p.used < p.capacity ORDER BY \(Self.slotOrder) LIMIT 1
            """), as: (Int64).self, logger: logger)
    }

    func lock(_ slotIDs: [Int64], on connection: PostgresConnection) async throws {
        try await connection.execute("SELECT id FROM storage_slot WHERE id = ANY(\(slotIDs.sorted())) ORDER BY id FOR UPDATE", logger: logger)
    }

    func take(_ slotID: Int64, on connection: PostgresConnection) async throws {
        let taken = try await connection.all("""
            UPDATE storage_slot SET used = used + 1 WHERE id = \(slotID) AND used < capacity RETURNING id
            """, as: (Int64).self, logger: logger)
        guard taken.isEmpty else { return }
        let code = try await connection.first("""
            SELECT code FROM storage_place WHERE id = \(slotID)
            """, as: (String).self, logger: logger)
        throw code.map { LedgerError.placeFull($0) } ?? LedgerError.placeNotFound("#\(slotID)")
    }

    func release(_ slotID: Int64, on connection: PostgresConnection) async throws {
        try await connection.execute("UPDATE storage_slot SET used = used - 1 WHERE id = \(slotID) AND used > 0", logger: logger)
    }
}
