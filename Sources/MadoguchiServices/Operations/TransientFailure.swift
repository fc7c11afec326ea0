import MadoguchiArchive
import MadoguchiDatabase
import MadoguchiDomain
import PostgresNIO

/// Failures that mean "a part behind us is away for a moment" (a PostgreSQL failover, the S3
/// endpoint down): the request changed nothing that was acknowledged, and the same request a few
/// seconds later will be served. The sites answer these with 503 and Retry-After, never 500.
public enum TransientFailure {
    /// SQLSTATEs of a server that is going away or not (yet) the primary: connection exceptions
    /// (class 08), admin/crash shutdown, "cannot connect now" (starting or in recovery), and a
    /// write that reached a replica that was the primary a moment ago.
    static let transientStates: Set<String> = ["57P01", "57P02", "57P03", "25006", "53300"]

    public static func busy(for error: any Error) -> ServiceBusy? {
        if let error = error as? PSQLError {
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
                return .database
            case .server:
                let state = error.serverInfo?[.sqlState] ?? ""
                return state.hasPrefix("08") || transientStates.contains(state) ? .database : nil
            default:
                return nil
            }
        }
        // The pool's own refusals (its circuit breaker tripped after failed connection attempts,
        // a lease given up) are a database that is away, not a fault of the request (#19).
        if String(reflecting: type(of: error)).hasSuffix("ConnectionPoolError") { return .database }
        if let error = error as? BlobStoreError, case .unavailable = error { return .storage }
        if error is CommitOutcomeUnknown { return .commitUncertain }
        return nil
    }
}

extension ServiceBusy {
    /// The database could not be reached or was failing over; nothing was recorded.
    public static let database = ServiceBusy(
        message: "一時的に利用できません。数秒待ってからもう一度お試しください（この操作は記録されていません）。", retryAfterSeconds: 5)
    /// The connection broke during COMMIT: the change may have been recorded. A resident's
    /// booking retried with its Idempotency-Key (the form sends one) cannot book twice.
    public static let commitUncertain = ServiceBusy(
        message: "一時的に利用できません。通信が途切れたため、処理が記録されたか確認できませんでした。数秒待ってから内容を確認し、必要ならもう一度お試しください（同じ予約の再送で二重予約にはなりません）。",
        retryAfterSeconds: 5)
    /// The document store could not be reached; nothing was recorded.
    public static let storage = ServiceBusy(
        message: "書類の保管場所に一時的に接続できません。少し待ってからもう一度お試しください（この操作は記録されていません）。", retryAfterSeconds: 10)
}
