import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The key a client's address is counted under in rate limits and login throttling (#13):
/// an IPv4 address as it is, an IPv6 address by its /64 (one subscriber's prefix: a client
/// hopping addresses inside it is still one client), an IPv4-mapped IPv6 address as IPv4.
public enum ClientAddress {
    public static func limitKey(_ address: String) -> String {
        let trimmed = address.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
        var v4 = in_addr()
        if inet_pton(AF_INET, trimmed, &v4) == 1 { return trimmed }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, trimmed.split(separator: "%").first.map(String.init) ?? trimmed, &v6) == 1 else { return trimmed }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
            return "\(bytes[12]).\(bytes[13]).\(bytes[14]).\(bytes[15])"
        }
        let hextets = stride(from: 0, to: 8, by: 2).map { String(format: "%x", UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1])) }
        return hextets.joined(separator: ":") + "::/64"
    }
}
