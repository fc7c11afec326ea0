/// What a resident learns from "is my card ready?" (#16), and nothing more. An unknown
/// application ID and a wrong date of birth answer the same `notFound`.
public enum CardStatus: String, Sendable, Codable, CaseIterable {
    case ready
    case notYet = "not-yet"
    case contact
    case notFound = "not-found"

    public func message(_ language: BookingLanguage) -> String {
        switch (self, language) {
        case (.ready, .ja): "カードの準備ができています。受け取りの来庁予約をしてください（交付通知書が届いていなくても予約できます）。"
        case (.notYet, .ja): "カードはまだ準備中です。準備ができると交付通知書（はがき）をお送りします。"
        case (.contact, .ja): "このカードについては、市民課の窓口にお問い合わせください。"
        case (.notFound, .ja): "該当するカードが見つかりません。申請書IDと生年月日をご確認ください。市にまだ届いていない場合もあります。"
        case (.ready, .en): "Your card is ready. Please book a visit to collect it (you may book before the notice postcard arrives)."
        case (.notYet, .en): "Your card is not ready yet. We will send you a notice postcard when it is."
        case (.contact, .en): "Please contact the citizens' section about this card."
        case (.notFound, .en): "No card was found. Please check the application ID and your date of birth; the card may not have reached the city yet."
        }
    }
}
