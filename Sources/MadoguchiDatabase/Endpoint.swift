#if canImport(Glibc)
import Glibc
#endif
import Foundation
import PostgresNIO

/// Where the server listens, for the health probe's first question: does anything accept a
/// connection there? A stopped or killed PostgreSQL refuses at once (its socket file is gone,
/// or the port is closed), while the pool would keep retrying behind a waiting query; so the
/// sites answer 503 within the probe's interval instead of after its timeouts (#19).
public enum Endpoint: Sendable, Equatable {
    case unixSocket(String)
    case tcp(host: String, port: Int)

    public init?(_ configuration: PostgresClient.Configuration) {
        if let path = configuration.unixSocketPath {
            self = .unixSocket(path)
        } else if let host = configuration.host {
            self = .tcp(host: host, port: configuration.port ?? 5432)
        } else {
            return nil
        }
    }

    /// True when a connection is accepted within `timeoutMilliseconds` (nothing is sent).
    /// Blocking: call it off the cooperative pool.
    public func accepts(timeoutMilliseconds: Int32 = 500) -> Bool {
        switch self {
        case .unixSocket(let path):
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { return false }
            defer { close(fd) }
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(path.utf8)
            guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                for (index, byte) in bytes.enumerated() { raw[index] = byte }
                raw[bytes.count] = 0
            }
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0 }
            }
        case .tcp(let host, let port):
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var found: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, String(port), &hints, &found) == 0, let first = found else { return false }
            defer { freeaddrinfo(found) }
            var entry: UnsafeMutablePointer<addrinfo>? = first
            while let info = entry {
                if Self.connects(info.pointee, timeoutMilliseconds: timeoutMilliseconds) { return true }
                entry = info.pointee.ai_next
            }
            return false
        }
    }

    static func connects(_ info: addrinfo, timeoutMilliseconds: Int32) -> Bool {
        let fd = socket(info.ai_family, info.ai_socktype, info.ai_protocol)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        if connect(fd, info.ai_addr, info.ai_addrlen) == 0 { return true }
        guard errno == EINPROGRESS else { return false }
        var waiting = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        guard poll(&waiting, 1, timeoutMilliseconds) == 1 else { return false }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
        return error == 0
    }
}
