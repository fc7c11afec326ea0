import PostgresNIO

/// A test's failure as a person debugging CI needs it: PostgresNIO hides a `PSQLError`'s SQLSTATE
/// and server message behind a generic description (so an app never logs them by accident); a
/// failed test should show them.
public struct DiagnosedError: Error, CustomStringConvertible {
    public let underlying: any Error

    public init(_ error: any Error) {
        underlying = (error as? DiagnosedError)?.underlying ?? error
    }

    public var description: String {
        guard let error = underlying as? PSQLError else { return String(describing: underlying) }
        return "PSQLError \(error.code) SQLSTATE \(error.serverInfo?[.sqlState] ?? "-"): \(error.serverInfo?[.message] ?? String(reflecting: error))"
    }
}
