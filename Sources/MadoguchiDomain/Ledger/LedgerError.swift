

/// Why a ledger change was refused; the message is for staff.
public enum LedgerError: Error, Sendable, Equatable {
    case notFound
    case notAllowed(from: LedgerStage, to: LedgerStage)
    case staleVersion
    case placeFull(String)
    case placeNotFound(String)
    case noFreePlace
    case notHeld(LedgerStage)
    /// Handing over needs a read of the card in hand that matches this entry (#15).
    case handoverNeedsCardRead
    case cardReadNotUsable(String)
    case cardMismatch([String])

    public var message: String {
        switch self {
        case .notFound: "カード管理簿に該当するカードがありません。"
        case .notAllowed(let from, let to): "「\(from.label)」から「\(to.label)」へは進められません。"
        case .staleVersion: "他の職員がこのカードを更新しました。画面を開き直してください。"
        case .placeFull(let code): "保管場所 \(code) は満杯です。別の場所を選んでください。"
        case .placeNotFound(let code): "保管場所 \(code) は登録されていません。"
        case .noFreePlace: "空いている保管場所がありません。保管場所を追加してください。"
        case .notHeld(let stage): "「\(stage.label)」のカードは保管場所に置けません。"
        case .handoverNeedsCardRead: "交付済にする前に、お渡しするカードをICカードリーダーで読み取り、本人のカードであることを確認してください。"
        case .cardReadNotUsable(let why): "この読取結果では交付を記録できません（\(why)）。もう一度読み取ってください。"
        case .cardMismatch(let reasons): "読み取ったカードはこの管理簿のカードではありません。交付を止めてください。" + reasons.joined(separator: " ")
        }
    }
}
