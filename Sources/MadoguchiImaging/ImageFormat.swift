import Foundation

/// File types of scanned forms, recognised by their first bytes, never by file name or the
/// client's Content-Type (a renamed file is what it is).
public enum ImageFormat: String, Sendable, Codable, CaseIterable {
    case tiff, jpeg, png, pdf

    public static func detect(_ data: some Collection<UInt8>) -> ImageFormat? {
        let head = Array(data.prefix(8))
        if head.starts(with: [0x49, 0x49, 0x2A, 0x00]) || head.starts(with: [0x4D, 0x4D, 0x00, 0x2A]) { return .tiff }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if head.starts(with: Array("%PDF-".utf8)) { return .pdf }
        return nil
    }

    public var mediaType: String {
        switch self {
        case .tiff: "image/tiff"
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        case .pdf: "application/pdf"
        }
    }
}
