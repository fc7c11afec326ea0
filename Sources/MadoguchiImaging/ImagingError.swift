/// Why a file could not be taken as a scanned form. Messages are for the staff member who
/// uploaded it; `detail` keeps the library's own words for the log.
public enum ImagingError: Error, Equatable, Sendable, CustomStringConvertible {
    case unsupportedFormat
    /// PDF scans are refused for now (README: convert to TIFF/JPEG at the scanner).
    case pdfNotSupported
    case malformed(format: ImageFormat, detail: String)
    case tooManyPixels(page: Int, limit: UInt64)
    case tooManyPages(limit: Int)
    /// All pages together hold more pixels than one file may (#13: a file of blank giant pages).
    case tooManyPixelsInFile(total: UInt64, limit: UInt64)
    /// Decoding used more processor time than one file may.
    case tooSlow(seconds: Int)

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
        case .tooManyPixelsInFile(let total, let limit):
            "ファイル全体の画素数（\(total / 1_000_000)百万画素）が上限（\(limit / 1_000_000)百万画素）を超えています。ページ数を分けるか、解像度を下げてスキャンしてください。"
        case .tooSlow(let seconds):
            "画像の処理に時間がかかりすぎるため中止しました（上限 \(seconds) 秒）。解像度を下げるか、ページを分けて登録してください。"
        }
    }
}

/// Limits checked before any pixel is decoded, against decompression bombs.
public struct ImagingLimits: Sendable {
    public var maxPixelsPerPage: UInt64
    public var maxPages: Int
    /// Pixels of all pages together, checked from the page headers before decoding (#13):
    /// 300 million is about 34 A4 pages at 300 dpi.
    public var maxPixelsPerFile: UInt64
    /// Processor time one file may take to decode, mask and render, checked between pages.
    public var cpuSecondsPerFile: Double
    /// Renders PDF pages in a separate process with its own CPU and memory limits; nil renders
    /// in this process (tools and tests of the renderer itself).
    public var pdfWorker: PDFPageWorker?

    public init(maxPixelsPerPage: UInt64 = 100_000_000, maxPages: Int = 200, maxPixelsPerFile: UInt64 = 300_000_000,
                cpuSecondsPerFile: Double = 60, pdfWorker: PDFPageWorker? = nil) {
        self.maxPixelsPerPage = maxPixelsPerPage
        self.maxPages = maxPages
        self.maxPixelsPerFile = maxPixelsPerFile
        self.cpuSecondsPerFile = cpuSecondsPerFile
        self.pdfWorker = pdfWorker
    }
}
