/// Why a page could not be searched for QR codes. A page without codes is not an error: the
/// scanner returns an empty list and the caller words that case.
public enum QRScanError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The pixel buffer does not match its stated size (a caller bug, not a bad upload).
    case invalidImage
    /// zbar could not be set up or failed while scanning.
    case scannerFailed

    public var message: String {
        switch self {
        case .invalidImage: "画像が壊れているため、QRコードを読み取れませんでした。"
        case .scannerFailed: "QRコードの読み取りに失敗しました。もう一度お試しください。"
        }
    }

    public var description: String { message }
}
