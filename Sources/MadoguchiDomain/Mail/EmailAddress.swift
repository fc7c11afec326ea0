import Foundation

/// The one check of an e-mail address typed by a person (a booking's, an agreement's): one `@`,
/// a dot in the domain, no spaces, at most 254 characters (RFC 5321's path limit).
public enum EmailAddress {
    public static func isValid(_ address: String) -> Bool {
        address.count <= 254 && address.range(of: #"^[^@\s]+@[^@\s]+\.[^@\s]+$"#, options: .regularExpression) != nil
    }
}
