/// Why an uploaded PDF could not be turned into page images. Messages are for the staff member
/// who uploaded it; `detail` keeps poppler's own words for the log.
public enum PDFRasterizeError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case unreadable(detail: String)
    /// Password protected: the list has to be exported or scanned again without a password.
    case encrypted
    case noPages
    case tooManyPages(limit: Int)
    case pageTooLarge(page: Int)
    case invalidResolution
    case renderFailed(page: Int)

    public var message: String {
        switch self {
        case .empty: "PDFファイルが空です。"
        case .unreadable: "PDFを読み込めませんでした。ファイルが壊れているか、途中で切れています。"
        case .encrypted: "パスワードが設定されたPDFは読み込めません。パスワードなしで保存し直してください。"
        case .noPages: "PDFにページがありません。"
        case .tooManyPages(let limit): "PDFのページ数が上限（\(limit)ページ）を超えています。"
        case .pageTooLarge(let page): "PDFの\(page)ページ目の用紙サイズが大きすぎます。"
        case .invalidResolution: "PDFの読み込み解像度の指定が正しくありません。"
        case .renderFailed(let page): "PDFの\(page)ページ目を画像にできませんでした。"
        }
    }

    public var description: String { message }
}
