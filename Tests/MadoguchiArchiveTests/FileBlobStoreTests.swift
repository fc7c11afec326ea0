import Foundation
import MadoguchiArchive
import Testing

@Suite("File blob store specifics")
struct FileBlobStoreTests {
    func makeStore() throws -> (FileBlobStore, URL) {
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("blobs-\(UUID().uuidString)")
        return (try FileBlobStore(root: root), root)
    }

    @Test("blobs live at sha256/ab/cd/<hex>, read-only, with no temporary file left")
    func layout() async throws {
        // setup
        let (store, root) = try makeStore()
        defer { try? FileManager.default.removeItem(at: root) }
        // act
        let info = try await store.put(Data("abc".utf8))
        // check
        let expected = root.appendingPathComponent("sha256/ba/78/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad").path
        #expect(store.path(for: info.ref) == expected)
        let attributes = try FileManager.default.attributesOfItem(atPath: expected)
        #expect((attributes[.posixPermissions] as? Int) == 0o444)
        let top = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("sha256").path)
        #expect(top == ["ba"])
    }

    @Test("temporary files of an interrupted put are cleaned up and never listed")
    func leftovers() async throws {
        // setup: what a crash in the middle of a put leaves behind
        let (store, root) = try makeStore()
        defer { try? FileManager.default.removeItem(at: root) }
        try Data("partial".utf8).write(to: root.appendingPathComponent("sha256/.incoming-crashed"))
        _ = try await store.put(Data("complete".utf8))
        // act
        let listed = try await store.enumerate(after: nil, limit: 10)
        let removed = try await store.removeIncompleteUploads(olderThan: Date().addingTimeInterval(1))
        // check
        #expect(listed.count == 1)
        #expect(removed == 1)
    }

    @Test("a refused put leaves nothing on disk")
    func refusedLeavesNothing() async throws {
        let (store, root) = try makeStore()
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try? await store.put(Data("x".utf8), expected: BlobRef.of(Data("y".utf8)))
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("sha256").path).isEmpty)
    }

    @Test("references accept 64 hex digits only")
    func refParsing() {
        #expect(BlobRef(hex: String(repeating: "A", count: 64))?.hex == String(repeating: "a", count: 64))
        #expect(BlobRef(hex: String(repeating: "g", count: 64)) == nil)
        #expect(BlobRef(hex: "../../etc/passwd") == nil)
        #expect(BlobRef(hex: String(repeating: "0", count: 63)) == nil)
    }
}
