import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MadoguchiDomain
import MadoguchiServices
import Testing

@Suite("Bounded decoding (#13)")
struct DecodePoolTests {
    static func outcome<T>(_ body: () async throws -> T) async -> Result<T, any Error> {
        do { return .success(try await body()) } catch { return .failure(error) }
    }

    @Test("one slot: a second file waits its turn, a third finds the queue full, a wait past the limit gives up")
    func slots() async throws {
        // setup
        let pool = DecodePool(workers: 1, queueLimit: 1, maxWait: .milliseconds(700))
        let hold = DispatchSemaphore(value: 0)
        // act: A holds the slot until released; B queues; C has no room; B gives up after 700 ms
        let a = Task { try await pool.run { hold.wait(); return 1 } }
        while await pool.load.running < 1 { try await Task.sleep(for: .milliseconds(20)) }
        let b = Task { try await pool.run { 2 } }
        while await pool.load.waiting < 1 { try await Task.sleep(for: .milliseconds(20)) }
        let c = await Self.outcome { try await pool.run { 3 } }
        let bResult = await b.result
        hold.signal()
        let aResult = try await a.value
        let d = try await pool.run { 4 }
        // check
        #expect(aResult == 1)
        #expect(throws: ServiceBusy.decoding) { try c.get() }
        #expect(throws: ServiceBusy.decoding) { try bResult.get() }
        #expect(d == 4, "the slot is free again")
    }

    @Test("the bomb TIFF through the scan page is refused with its reason and the page stays usable")
    func bombOnScanPage() async throws {
        try await SiteHarness.run { site, staff, _ in
            // setup
            try await site.createUser("clerk1", roles: ["clerk"])
            var browser = Browser(staff)
            try await browser.login("clerk1")
            let form = try await browser.get("/ledger/scan")
            let bomb = try ArchiveApiTests.scan("bomb-20-blank-pages.tif")
            // act
            let boundary = "----mdg-bomb"
            var body = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(form.csrf)\r\n".utf8)
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"page\"; filename=\"bomb.tif\"\r\nContent-Type: image/tiff\r\n\r\n".utf8)
            body += bomb + Data("\r\n--\(boundary)--\r\n".utf8)
            var headers = HTTPFields()
            headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
            headers[.cookie] = browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
            let started = ContinuousClock.now
            let response = try await staff.execute(uri: "/ledger/scan-page", method: .post, headers: headers, body: ByteBuffer(data: body))
            // check
            #expect(response.status == .unprocessableContent)
            #expect(String(buffer: response.body).contains("ファイル全体の画素数"))
            #expect(ContinuousClock.now - started < .seconds(10))
            #expect(try await browser.get("/ledger/scan").status == .ok)
        }
    }
}
