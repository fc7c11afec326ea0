import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The listener's limits (#13): slow-loris clients neither hold a normal request up nor stay.
@Suite("Slow and idle connections")
struct SlowClientTests {
    /// A blocking TCP socket to 127.0.0.1:port with a receive timeout.
    static func connect(port: Int, timeout: Int = 90) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var limit = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return result == 0 ? fd : -1
    }

    static func send(_ fd: Int32, _ text: String) {
        _ = text.withCString { Glibc.send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
    }

    /// A complete request on a new connection; returns the status line.
    static func request(port: Int, _ text: String) -> String {
        let fd = connect(port: port)
        defer { close(fd) }
        send(fd, text)
        var reply = [UInt8](repeating: 0, count: 4096)
        let n = recv(fd, &reply, reply.count, 0)
        guard n > 0 else { return "" }
        return String(decoding: reply[0..<n], as: UTF8.self).components(separatedBy: "\r\n").first ?? ""
    }

    /// True when the server closed the connection (read returns 0 or the connection is reset).
    static func closedByServer(_ fd: Int32) -> Bool {
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, 0)
        return n == 0 || (n < 0 && errno == ECONNRESET)
    }

    /// The listener takes at most 100 connections here, so the 150 slow ones fill it: only the
    /// header deadline frees the slots the normal request needs (without it, it would wait forever).
    /// The 50 queued behind the first 100 are accepted when the first round is closed, so the normal
    /// request (queued last) waits about two deadlines; the bound leaves room for a loaded run.
    @Test("150 slow-loris connections do not stop a normal request, and are closed at the header deadline; an idle one is closed too")
    func slowLoris() async throws {
        try await SiteHarness.run(configure: {
            $0.headerTimeoutSeconds = 2
            $0.bodyIdleTimeoutSeconds = 2
            $0.maxConnections = 100
        }, live: true) { site, _, _ in
            // setup: 150 clients that send half a request and then a header line now and then
            let port = try #require(site.livePort)
            let slow = (0..<150).map { _ in Self.connect(port: port) }
            #expect(slow.allSatisfy { $0 >= 0 })
            for fd in slow { Self.send(fd, "GET /login HTTP/1.1\r\nHost: madoguchi\r\n") }
            let idle = Self.connect(port: port)
            try await Task.sleep(for: .milliseconds(500))
            for fd in slow { Self.send(fd, "X-Slow: 1\r\n") }
            // act: a normal request meanwhile
            let started = ContinuousClock.now
            let status = Self.request(port: port, "GET /healthz HTTP/1.1\r\nHost: madoguchi\r\nConnection: close\r\n\r\n")
            let took = ContinuousClock.now - started
            // check
            #expect(status == "HTTP/1.1 200 OK")
            // within the deadline plus slack for a loaded 2-core test run (debug build, tests in parallel)
            #expect(took < .seconds(80), "a normal request waited \(took)")
            try await Task.sleep(for: .seconds(3))
            let closed = slow.filter { Self.closedByServer($0) }.count
            #expect(closed == 150, "slow clients closed by the header deadline: \(closed)/150")
            #expect(Self.closedByServer(idle))
            for fd in slow + [idle] { close(fd) }
        }
    }

    @Test("a request body that stops arriving is cut off at the body deadline")
    func stalledBody() async throws {
        try await SiteHarness.run(configure: {
            $0.headerTimeoutSeconds = 2
            $0.bodyIdleTimeoutSeconds = 1
        }, live: true) { site, _, _ in
            // setup
            let port = try #require(site.livePort)
            let fd = Self.connect(port: port)
            // act: headers announce 10 kB, 100 bytes come, then nothing
            Self.send(fd, "POST /login HTTP/1.1\r\nHost: madoguchi\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 10000\r\n\r\n")
            Self.send(fd, String(repeating: "a", count: 100))
            let started = ContinuousClock.now
            // check: the server gives up within the deadline (plus scheduling slack)
            var reply = [UInt8](repeating: 0, count: 4096)
            while recv(fd, &reply, reply.count, 0) > 0 {}
            #expect(ContinuousClock.now - started < .seconds(4))
            close(fd)
        }
    }
}
