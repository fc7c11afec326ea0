/// Everything that can stop a read, with the words the staff member (and the resident at the
/// counter) reads on the card page. `code` is the short name the agent posts with the message.
public enum CardReaderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// pcscd is not running, or the terminal has no reader plugged in.
    case noService
    case noReader
    /// The named reader is not (or no longer) attached.
    case readerUnavailable(String)
    case noCard
    case cardRemoved
    /// A card that is not a My Number card (no JPKI token).
    case wrongCard(String)
    /// A wrong 照合番号B or PIN; `triesLeft` more before the card blocks.
    case wrongCode(CardSecret, triesLeft: Int)
    /// One try is left: the agent does not spend it (a blocked card costs the resident a trip).
    case lastTry(CardSecret)
    case blocked(CardSecret)
    /// The holder did not type the PIN on the terminal.
    case pinNotEntered
    case unexpected(String)

    public var code: String {
        switch self {
        case .noService: "no-service"
        case .noReader: "no-reader"
        case .readerUnavailable: "reader-unavailable"
        case .noCard: "no-card"
        case .cardRemoved: "card-removed"
        case .wrongCard: "wrong-card"
        case .wrongCode: "wrong-code"
        case .lastTry: "last-try"
        case .blocked: "blocked"
        case .pinNotEntered: "pin-not-entered"
        case .unexpected: "unexpected"
        }
    }

    public var description: String {
        switch self {
        case .noService: "カードリーダーのサービス（pcscd）に接続できません。読取端末を再起動するか、システム担当に連絡してください。"
        case .noReader: "カードリーダーが接続されていません。USBケーブルを確認してください。"
        case .readerUnavailable(let name): "カードリーダー「\(name)」が見つかりません。抜けていないか確認してください。"
        case .noCard: "カードがリーダーに置かれていません。カードを置いてから、もう一度読み取ってください。"
        case .cardRemoved: "読取中にカードが外されました。カードを置いたまま、もう一度読み取ってください。"
        case .wrongCard(let what): "マイナンバーカードではありません（\(what)）。カードを確認してください。"
        case .wrongCode(let secret, let left):
            "\(secret.label)が違います。あと\(left)回間違えるとカードがロックされます。券面を確認して入力し直してください。"
        case .lastTry(let secret):
            "\(secret.label)の残り回数が1回です。ロックを避けるため読み取りを止めました。ご本人に確認のうえ、市民課でのロック解除・手書き記録を検討してください。"
        case .blocked(let secret): "\(secret.label)がロックされています。ロック解除（暗証番号の再設定）が必要です。"
        case .pinNotEntered: "暗証番号が入力されませんでした。"
        case .unexpected(let what): "カードの読取に失敗しました（\(what)）。カードを置き直して、もう一度読み取ってください。"
        }
    }
}

/// Which of the card's keys a try counter belongs to.
public enum CardSecret: String, Sendable, Equatable {
    case verificationCodeB
    case pin

    public var label: String {
        switch self {
        case .verificationCodeB: "照合番号B"
        case .pin: "暗証番号"
        }
    }
}
