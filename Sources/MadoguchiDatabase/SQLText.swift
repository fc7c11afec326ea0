/// Text that goes into SQL as data, never as syntax.
enum SQLText {
    /// `text` taken literally in a LIKE pattern: `%`, `_` and the escape character itself are
    /// escaped (backslash is PostgreSQL's default escape), so a typed `%` finds a `%`.
    static func likeEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }
}
