/// Why a card-read request or an agent's answer was refused; the message is for staff (or for
/// the operator reading the agent's log).
public enum CardReadError: Error, Sendable, Equatable {
    case terminalNotConnected(String)
    /// The terminal name is registered to another account's agent.
    case terminalTaken(String)
    case invalidTerminalName
    case jobNotFound
    /// The agent answered a job that is not (or no longer) being read by it.
    case jobNotReading
    case notDone
    case alreadyRecorded
    case handoverNeedsNotifiedCard
    case cardExpiryMissing

    public var message: String {
        switch self {
        case .terminalNotConnected(let name): "読取端末「\(name)」が接続されていません。端末の読取エージェントが動いているか確認してください。"
        case .terminalTaken(let name): "端末名「\(name)」は別のアカウントの読取端末に登録されています。"
        case .invalidTerminalName: "端末名は英数字と . _ - の40文字以内です。"
        case .jobNotFound: "読取依頼が見つかりません。"
        case .jobNotReading: "この読取依頼は読取中ではありません（期限切れか、終了済みです）。"
        case .notDone: "読取が完了していません。"
        case .alreadyRecorded: "この読取結果は登録済みです。"
        case .handoverNeedsNotifiedCard: "交付時の確認は「交付通知済」のカードで行います。"
        case .cardExpiryMissing: "暗証番号での読取ではカード有効期限を読めません。照合番号Bで読み取るか、カード情報を手入力してください。"
        }
    }
}
