import Foundation

/// The free texts staff write on a card: the note of one stage move or place move (kept in the
/// card's history, at most 1000 characters) and the card's own notes (備考, at most 2000). One
/// statement of the limits for the card page, the bulk move and the API; lengths are counted in
/// code points, as PostgreSQL's CHECK counts them, so nothing the page accepts is refused later.
public enum LedgerNote {
    public static let maxNote = 1000
    public static let maxNotes = 2000

    /// A stage or place move's note, or the problem with it.
    public static func note(_ text: String, field: String = "note") throws(InvalidInput) -> String {
        try checked(text, field: field, limit: maxNote, message: "メモは\(maxNote)文字以内で入力してください。")
    }

    /// The card's notes (備考), or the problem with them.
    public static func notes(_ text: String, field: String = "notes") throws(InvalidInput) -> String {
        try checked(text, field: field, limit: maxNotes, message: "備考は\(maxNotes)文字以内で入力してください。")
    }

    static func checked(_ text: String, field: String, limit: Int, message: String) throws(InvalidInput) -> String {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if IndividualNumber.appears(in: text) { throw InvalidInput([FieldProblem(field: field, message: IndividualNumber.refusalMessage)]) }
        if text.unicodeScalars.count > limit { throw InvalidInput([FieldProblem(field: field, message: message)]) }
        return text
    }
}
