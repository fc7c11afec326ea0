/// Failures of the database layer that an operator has to act on; the messages say what to do.
public enum DatabaseError: Error, CustomStringConvertible, Sendable {
    case invalidURL(String)
    case postgresNotInstalled(String)
    case clusterCommandFailed(command: String, output: String)
    case socketPathTooLong(String)
    case schemaDirectoryNotFound([String])
    case badMigrationName(String)
    case migrationChanged(name: String, recorded: String, current: String)
    case migrationMissing(String)
    case migrationFailed(name: String, message: String)

    public var description: String {
        switch self {
        case .invalidURL(let message):
            return message
        case .postgresNotInstalled(let detail):
            return "PostgreSQL が見つかりません (\(detail))。`apt-get install postgresql` で導入するか、DATABASE_URL を指定してください。"
        case .clusterCommandFailed(let command, let output):
            return "PostgreSQL の操作に失敗しました: \(command)\n\(output)"
        case .socketPathTooLong(let path):
            return "Unix ソケットのパスが長すぎます (\(path.utf8.count) バイト、上限 107): \(path)。--storage に短いパスを指定してください。"
        case .schemaDirectoryNotFound(let tried):
            return "schema/ フォルダが見つかりません。MADOGUCHI_SCHEMA_DIR で指定してください。探した場所: \(tried.joined(separator: ", "))"
        case .badMigrationName(let name):
            return "マイグレーションのファイル名が不正です: \(name)（NNNN_name.sql の形式にしてください）"
        case .migrationChanged(let name, let recorded, let current):
            return "適用済みのマイグレーション \(name) の内容が変更されています（記録: \(recorded.prefix(12))…, 現在: \(current.prefix(12))…）。適用済みのファイルは変更せず、新しい番号のファイルを追加してください。"
        case .migrationMissing(let name):
            return "データベースには適用済みのマイグレーション \(name) がありますが、schema/ にありません。新しい版のデータベースに古いプログラムを使っていませんか。"
        case .migrationFailed(let name, let message):
            return "マイグレーション \(name) の適用に失敗しました（ロールバックしました）: \(message)"
        }
    }
}
