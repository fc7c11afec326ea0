import Foundation

/// Tells an application form (交付申請書) by its layout rather than by what the uploader called
/// it (#13): the J-LIS form carries its 23-digit application ID as a QR code, which nothing else
/// in a My Number file does. Only the first page is looked at (the form is one page).
public enum ApplicationFormDetector {
    public static func looksLikeApplicationForm(_ image: ScannedImage) throws -> Bool {
        guard image.pageCount > 0 else { return false }
        let codes = (try? QRScanner.decode(try image.pixels(page: 0))) ?? []
        return codes.contains { code in code.text.filter(\.isNumber).count == 23 || code.text.contains(/\d{23}/) }
    }
}
