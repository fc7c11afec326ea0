/// Why a file could not be taken as a scanned form. Messages are for the staff member who
/// uploaded it; `detail` keeps the library's own words for the log.
public enum ImagingError: Error, Equatable, Sendable, CustomStringConvertible {
    case unsupportedFormat
    /// PDF scans are refused for now (README: convert to TIFF/JPEG at the scanner).
    case pdfNotSupported
    case malformed(format: ImageFormat, detail: String)
    case tooManyPixels(page: Int, limit: UInt64)
    case tooManyPages(limit: Int)

    public var description: String {
        switch self {
        case .unsupportedFormat:
            "対応していないファイル形式です。TIFF・JPEG・PNG の画像を登録してください。"
        case .pdfNotSupported:
            "PDF は登録できません。スキャナの保存形式を TIFF または JPEG にしてください。"
        case .malformed(let format, _):
            "\(format.rawValue.uppercased()) ファイルが壊れているか、途中で切れています。スキャンし直してください。"
        case .tooManyPixels(let page, let limit):
            "\(page)ページ目の画素数が上限（\(limit / 1_000_000)百万画素）を超えています。解像度を下げてスキャンしてください。"
        case .tooManyPages(let limit):
            "ページ数が上限（\(limit)ページ）を超えています。"
        }
    }
}

/// Limits checked before any pixel is decoded, against decompression bombs.
public struct ImagingLimits: Sendable {
    public var maxPixelsPerPage: UInt64
    public var maxPages: Int

    public init(maxPixelsPerPage: UInt64 = 100_000_000, maxPages: Int = 200) {
        self.maxPixelsPerPage = maxPixelsPerPage
        self.maxPages = maxPages
    }
}
