/// One QR code found on a page: its text and the top-left corner of its bounding box, in the
/// page's pixels (so the UI can point at the code a staff member has to rescan).
public struct DecodedQRCode: Sendable, Hashable {
    public let text: String
    public let x: Int
    public let y: Int

    public init(text: String, x: Int, y: Int) {
        self.text = text
        self.x = x
        self.y = y
    }
}
