import CPangoCairo
import Foundation

/// A minimal A4 drawing surface that renders straight into memory.
///
/// Forms are generated per request and handed to the HTTP layer, so the PDF
/// is never written to disk. Coordinates are PDF points with the origin at the
/// top-left corner, which is what cairo uses and what form layouts read best in.
final class PDFCanvas {
    enum Font {
        case gothic, mincho

        var family: String {
            switch self {
            case .gothic: "IPAexGothic"
            case .mincho: "IPAexMincho"
            }
        }
    }

    enum Weight { case regular, bold }
    enum Align { case left, center, right }

    static let pageWidth = 595.28
    static let pageHeight = 841.89

    /// Receives the bytes cairo emits. A class so a stable pointer to it can be
    /// handed to C as user data; the canvas owns it for as long as cairo can write.
    private final class Sink {
        var data = Data()
    }

    private let sink: Sink
    private let surface: OpaquePointer
    private let cairo: OpaquePointer
    private let pango: OpaquePointer
    private var isFinished = false

    /// cairo reports failure through a sticky status rather than return
    /// values, so a broken surface is inert and `finish()` is the one place
    /// that needs to look.
    init(title: String) {
        let sink = Sink()
        self.sink = sink
        surface = cairo_pdf_surface_create_for_stream(
            { closure, bytes, length in
                guard let closure, let bytes else { return CAIRO_STATUS_WRITE_ERROR }
                let sink = Unmanaged<Sink>.fromOpaque(closure).takeUnretainedValue()
                sink.data.append(bytes, count: Int(length))
                return CAIRO_STATUS_SUCCESS
            },
            Unmanaged.passUnretained(sink).toOpaque(),
            Self.pageWidth,
            Self.pageHeight
        )
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Madoguchi")
        cairo = cairo_create(surface)

        // One Pango context per document: creating it per text run would
        // re-resolve fonts every time.
        pango = pango_cairo_create_context(cairo)
        // Glyph positions snapped to whole points make Japanese text look
        // unevenly spaced in a vector format; hinting is meaningless in PDF.
        pango_context_set_round_glyph_positions(pango, 0)
        let options = cairo_font_options_create()
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
        pango_cairo_context_set_font_options(pango, options)
        cairo_font_options_destroy(options)
    }

    deinit {
        g_object_unref(UnsafeMutableRawPointer(pango))
        cairo_destroy(cairo)
        cairo_surface_destroy(surface)
    }

    func newPage() {
        cairo_show_page(cairo)
    }

    /// Draws wrapped text with its top-left corner at (x, y) and returns the
    /// height it took, so callers can stack blocks without guessing.
    @discardableResult
    func text(
        _ string: String,
        x: Double,
        y: Double,
        width: Double,
        size: Double = 10.5,
        font: Font = .gothic,
        weight: Weight = .regular,
        align: Align = .left,
        gray: Double = 0
    ) -> Double {
        let layout = makeLayout(string, width: width, size: size, font: font, weight: weight, align: align)
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        cairo_set_source_rgb(cairo, gray, gray, gray)
        cairo_move_to(cairo, x, y)
        pango_cairo_show_layout(cairo, layout)
        return height(of: layout)
    }

    /// Height `text` would take, for sizing table rows before drawing them.
    func measure(
        _ string: String,
        width: Double,
        size: Double = 10.5,
        font: Font = .gothic,
        weight: Weight = .regular
    ) -> Double {
        let layout = makeLayout(string, width: width, size: size, font: font, weight: weight, align: .left)
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        return height(of: layout)
    }

    /// Natural single-line width, for flowing inline checkbox options.
    func width(of string: String, size: Double = 10.5, font: Font = .gothic, weight: Weight = .regular) -> Double {
        let layout = makeLayout(string, width: nil, size: size, font: font, weight: weight, align: .left)
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        var width: Int32 = 0
        pango_layout_get_size(layout, &width, nil)
        return Double(width) / Double(PANGO_SCALE)
    }

    func line(x1: Double, y1: Double, x2: Double, y2: Double, lineWidth: Double = 0.6, dash: [Double]? = nil) {
        applyStroke(lineWidth: lineWidth, dash: dash)
        cairo_move_to(cairo, x1, y1)
        cairo_line_to(cairo, x2, y2)
        cairo_stroke(cairo)
    }

    /// `fill` is a gray level (1 = white) painted under the border, used to
    /// shade label cells the way printed municipal forms do.
    func rect(
        x: Double,
        y: Double,
        width: Double,
        height: Double,
        lineWidth: Double = 0.6,
        dash: [Double]? = nil,
        fill: Double? = nil
    ) {
        cairo_rectangle(cairo, x, y, width, height)
        if let fill {
            cairo_set_source_rgb(cairo, fill, fill, fill)
            cairo_fill_preserve(cairo)
        }
        if lineWidth > 0 {
            applyStroke(lineWidth: lineWidth, dash: dash)
            cairo_stroke(cairo)
        } else {
            cairo_new_path(cairo)
        }
    }

    func checkbox(x: Double, y: Double, size: Double = 9) {
        rect(x: x, y: y, width: size, height: size, lineWidth: 0.7, fill: 1)
    }

    /// Completes the document. Any earlier drawing error surfaces here.
    func finish() throws -> Data {
        if !isFinished {
            isFinished = true
            try check(cairo_status(cairo))
            cairo_surface_finish(surface)
        }
        try check(cairo_surface_status(surface))
        return sink.data
    }

    private func check(_ status: cairo_status_t) throws {
        guard status != CAIRO_STATUS_SUCCESS else { return }
        let message = cairo_status_to_string(status).map { String(cString: $0) } ?? "unknown error"
        throw PDFError(status: Int(status.rawValue), message: message)
    }

    private func applyStroke(lineWidth: Double, dash: [Double]?) {
        cairo_set_source_rgb(cairo, 0, 0, 0)
        cairo_set_line_width(cairo, lineWidth)
        if let dash, !dash.isEmpty {
            cairo_set_dash(cairo, dash, Int32(dash.count), 0)
        } else {
            cairo_set_dash(cairo, nil, 0, 0)
        }
    }

    private func makeLayout(
        _ string: String,
        width: Double?,
        size: Double,
        font: Font,
        weight: Weight,
        align: Align
    ) -> OpaquePointer {
        let layout: OpaquePointer = pango_layout_new(pango)
        let description = pango_font_description_new()
        pango_font_description_set_family(description, font.family)
        // Absolute size keeps `size` in points; the relative setter would be
        // scaled by Pango's 96 dpi default.
        pango_font_description_set_absolute_size(description, size * Double(PANGO_SCALE))
        pango_font_description_set_weight(description, weight == .bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL)
        pango_layout_set_font_description(layout, description)
        pango_font_description_free(description)

        if let width {
            pango_layout_set_width(layout, Int32((max(width, 1) * Double(PANGO_SCALE)).rounded(.down)))
            // Long digit runs such as addresses with 番地 have no break
            // opportunities; fall back to breaking anywhere instead of overflowing.
            pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
            // IPAex line height is exactly 1 em, so wrapped kanji lines touch
            // without some leading; spacing only applies between lines, so
            // single-line cells keep their height.
            pango_layout_set_spacing(layout, Int32(size * 0.3 * Double(PANGO_SCALE)))
        }
        switch align {
        case .left: pango_layout_set_alignment(layout, PANGO_ALIGN_LEFT)
        case .center: pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER)
        case .right: pango_layout_set_alignment(layout, PANGO_ALIGN_RIGHT)
        }
        pango_layout_set_text(layout, string, -1)
        return layout
    }

    private func height(of layout: OpaquePointer) -> Double {
        var height: Int32 = 0
        pango_layout_get_size(layout, nil, &height)
        return Double(height) / Double(PANGO_SCALE)
    }
}
