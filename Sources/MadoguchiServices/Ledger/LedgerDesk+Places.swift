import Foundation
import MadoguchiDatabase
import MadoguchiDomain

/// Storage places (C9) and the registry lookup (C5) the card work uses.
extension LedgerDesk {
    public func cabinets() async throws -> [StorageCabinet] { try await storage.cabinets() }
    public func places(cabinetID: Int64? = nil) async throws -> [StorageSlot] { try await storage.slots(cabinetID: cabinetID) }

    /// A cabinet of `drawers` drawers of `slotsPerDrawer` slots, each holding up to `capacity` cards.
    public func createCabinet(code: String, name: String, locationID: Int64?, drawers: Int, slotsPerDrawer: Int, capacity: Int,
                              caller: Caller) async throws -> Int64 {
        if IndividualNumber.appears(in: name) { throw InvalidInput([FieldProblem(field: "name", message: IndividualNumber.refusalMessage)]) }
        return try await database.transaction { connection in
            let id = try await storage.createCabinet(code: code, name: name, locationID: locationID, drawers: drawers,
                                                     slotsPerDrawer: slotsPerDrawer, capacity: capacity, on: connection)
            try await audit.record(caller, "storage.create", recordType: "storage_cabinet", recordID: code.uppercased(),
                                   detail: "drawers=\(drawers) slots=\(slotsPerDrawer) capacity=\(capacity)", on: connection)
            return id
        }
    }

    public func setPlaceCapacity(slotID: Int64, capacity: Int, caller: Caller) async throws {
        try await database.transaction { connection in
            try await storage.setCapacity(slotID: slotID, capacity: capacity, on: connection)
            try await audit.record(caller, "storage.capacity", recordType: "storage_slot", recordID: String(slotID), detail: "capacity=\(capacity)",
                                   on: connection)
        }
    }

    /// Looks people up in the registry extract; audited with which conditions were given, not their values.
    public func lookUpRegistry(_ query: RegistryQuery, caller: Caller) async throws -> [RegistryRecord] {
        let people = try await registry.search(query)
        if !query.isEmpty {
            let given = [("kana", !query.kana.isEmpty), ("name", !query.name.isEmpty), ("birth", query.birthDate != nil), ("address", !query.address.isEmpty)]
            try await audit.record(caller, "registry.search", recordType: "registry",
                                   detail: "条件=\(given.filter(\.1).map(\.0).joined(separator: ",")) 件数=\(people.count)")
        }
        return people
    }

    /// The extract in use: from which file, when, how many people.
    public func currentRegistryExtract() async throws -> (fileName: String, at: Date, rows: Int)? { try await registry.current() }
}
