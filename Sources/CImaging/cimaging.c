#include "cimaging.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>
#include <tiffio.h>

void mdg_free(void *p) { free(p); }

static void set_err(char *err, size_t errlen, const char *fmt, ...) {
    if (!err || errlen == 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* ---------------------------------------------------------------- TIFF from memory */

// One in-memory file for libtiff: read from a caller's buffer, or written into a growing one.
typedef struct {
    uint8_t *data;
    size_t len, cap, pos;
    char message[256];
    int failed;
} mem_file;

static tmsize_t mt_read(thandle_t h, void *buf, tmsize_t size) {
    mem_file *m = (mem_file *)h;
    if (m->pos >= m->len) return 0;
    size_t n = (size_t)size;
    if (n > m->len - m->pos) n = m->len - m->pos;
    memcpy(buf, m->data + m->pos, n);
    m->pos += n;
    return (tmsize_t)n;
}
static tmsize_t mt_no_write(thandle_t h, void *buf, tmsize_t size) { (void)h; (void)buf; (void)size; return -1; }
static tmsize_t mt_write(thandle_t h, void *buf, tmsize_t size) {
    mem_file *m = (mem_file *)h;
    size_t end = m->pos + (size_t)size;
    if (end > m->cap) {
        size_t cap = m->cap ? m->cap : 65536;
        while (cap < end) cap *= 2;
        uint8_t *grown = (uint8_t *)realloc(m->data, cap);
        if (!grown) return -1;
        m->data = grown;
        m->cap = cap;
    }
    memcpy(m->data + m->pos, buf, (size_t)size);
    m->pos = end;
    if (end > m->len) m->len = end;
    return size;
}
static toff_t mt_seek(thandle_t h, toff_t off, int whence) {
    mem_file *m = (mem_file *)h;
    size_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? m->pos : m->len;
    m->pos = base + (size_t)off;
    return (toff_t)m->pos;
}
static int mt_close(thandle_t h) { (void)h; return 0; }
static toff_t mt_size(thandle_t h) { return (toff_t)((mem_file *)h)->len; }
static int mt_map(thandle_t h, void **base, toff_t *size) { (void)h; (void)base; (void)size; return 0; }
static void mt_unmap(thandle_t h, void *base, toff_t size) { (void)h; (void)base; (void)size; }

// A truncated TIFF can yield pages without any call failing; the only sign is a captured
// error, so every error (and nothing else) marks the file as failed.
static int mt_error(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap) {
    (void)tif; (void)module;
    mem_file *m = (mem_file *)user;
    if (!m->failed) vsnprintf(m->message, sizeof m->message, fmt, ap);
    m->failed = 1;
    return 1;
}
static int mt_warning(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap) {
    (void)tif; (void)user; (void)module; (void)fmt; (void)ap;
    return 1;  // unknown tags and the like: harmless, and not printed
}

static TIFF *open_mem_tiff(mem_file *m, const uint8_t *data, size_t len) {
    memset(m, 0, sizeof *m);
    m->data = (uint8_t *)data;  // only read: the write procedure refuses
    m->len = len;
    TIFFOpenOptions *opts = TIFFOpenOptionsAlloc();
    TIFFOpenOptionsSetErrorHandlerExtR(opts, mt_error, m);
    TIFFOpenOptionsSetWarningHandlerExtR(opts, mt_warning, m);
    TIFF *tif = TIFFClientOpenExt("memory", "rm", (thandle_t)m, mt_read, mt_no_write, mt_seek, mt_close, mt_size, mt_map, mt_unmap, opts);
    TIFFOpenOptionsFree(opts);
    return tif;
}

int mdg_tiff_page_count(const uint8_t *data, size_t len, char *err, size_t errlen) {
    mem_file m;
    TIFF *tif = open_mem_tiff(&m, data, len);
    if (!tif) { set_err(err, errlen, "%s", m.failed ? m.message : "not a readable TIFF"); return -1; }
    int count = 0;
    do { count++; } while (TIFFReadDirectory(tif) && count < 10000);
    TIFFClose(tif);
    if (m.failed) { set_err(err, errlen, "%s", m.message); return -1; }
    return count;
}

int mdg_tiff_page_size(const uint8_t *data, size_t len, int page, uint32_t *w, uint32_t *h, char *err, size_t errlen) {
    mem_file m;
    TIFF *tif = open_mem_tiff(&m, data, len);
    if (!tif) { set_err(err, errlen, "%s", m.failed ? m.message : "not a readable TIFF"); return -1; }
    int ok = TIFFSetDirectory(tif, (tdir_t)page) && TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, w) && TIFFGetField(tif, TIFFTAG_IMAGELENGTH, h);
    TIFFClose(tif);
    if (!ok || m.failed) { set_err(err, errlen, "%s", m.failed ? m.message : "page has no size"); return -1; }
    return 0;
}

int mdg_tiff_decode(const uint8_t *data, size_t len, int page, uint64_t max_pixels, mdg_image *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    mem_file m;
    TIFF *tif = open_mem_tiff(&m, data, len);
    if (!tif) { set_err(err, errlen, "%s", m.failed ? m.message : "not a readable TIFF"); return -1; }
    uint32_t w = 0, h = 0;
    if (!TIFFSetDirectory(tif, (tdir_t)page) || !TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &w) || !TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &h) || w == 0 || h == 0) {
        TIFFClose(tif);
        set_err(err, errlen, "%s", m.failed ? m.message : "page has no size");
        return -1;
    }
    if ((uint64_t)w * (uint64_t)h > max_pixels) {
        TIFFClose(tif);
        set_err(err, errlen, "page %d has %llu pixels, more than the limit of %llu", page, (unsigned long long)w * h, (unsigned long long)max_pixels);
        return -2;
    }
    uint32_t *raster = (uint32_t *)malloc((size_t)w * h * sizeof(uint32_t));
    if (!raster) { TIFFClose(tif); set_err(err, errlen, "out of memory"); return -1; }
    int ok = TIFFReadRGBAImageOriented(tif, w, h, raster, ORIENTATION_TOPLEFT, 0);
    TIFFClose(tif);
    if (!ok || m.failed) {
        free(raster);
        set_err(err, errlen, "%s", m.failed ? m.message : "cannot decode page");
        return -1;
    }
    // TIFFRGBA packs ABGR in a uint32 (R in the low byte): on little-endian that is RGBA in memory.
    uint8_t *rgba = (uint8_t *)raster;
    for (size_t i = 0; i < (size_t)w * h; i++) {
        uint32_t p = raster[i];
        rgba[i * 4 + 0] = (uint8_t)TIFFGetR(p);
        rgba[i * 4 + 1] = (uint8_t)TIFFGetG(p);
        rgba[i * 4 + 2] = (uint8_t)TIFFGetB(p);
        rgba[i * 4 + 3] = (uint8_t)TIFFGetA(p);
    }
    out->width = w;
    out->height = h;
    out->rgba = rgba;
    return 0;
}

/* ---------------------------------------------------------------- JPEG */

typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
} jpeg_err;

static void jpeg_fail(j_common_ptr cinfo) {
    jpeg_err *e = (jpeg_err *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, e->message);
    longjmp(e->jump, 1);
}
// libjpeg's default would print to stderr; warnings are counted in num_warnings instead.
static void jpeg_quiet(j_common_ptr cinfo, int level) {
    if (level < 0) cinfo->err->num_warnings++;
}

// Reads the orientation tag (0x0112) from an EXIF APP1 segment; 1 when absent or unreadable.
static int exif_orientation(const uint8_t *p, size_t n) {
    if (n < 14 || memcmp(p, "Exif\0\0", 6) != 0) return 1;
    const uint8_t *t = p + 6;
    size_t tn = n - 6;
    int le = t[0] == 'I';
    #define U16(o) (le ? (uint16_t)(t[o] | t[(o) + 1] << 8) : (uint16_t)(t[o] << 8 | t[(o) + 1]))
    #define U32(o) (le ? (uint32_t)(t[o] | t[(o) + 1] << 8 | t[(o) + 2] << 16 | (uint32_t)t[(o) + 3] << 24) \
                       : (uint32_t)((uint32_t)t[o] << 24 | t[(o) + 1] << 16 | t[(o) + 2] << 8 | t[(o) + 3]))
    uint32_t ifd = U32(4);
    if (ifd + 2 > tn) return 1;
    uint16_t count = U16(ifd);
    for (uint16_t i = 0; i < count; i++) {
        size_t e = ifd + 2 + (size_t)i * 12;
        if (e + 12 > tn) return 1;
        if (U16(e) == 0x0112) {
            int v = U16(e + 8);
            return v >= 1 && v <= 8 ? v : 1;
        }
    }
    #undef U16
    #undef U32
    return 1;
}

int mdg_jpeg_decode(const uint8_t *data, size_t len, uint64_t max_pixels, mdg_image *out, int *orientation, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    *orientation = 1;
    struct jpeg_decompress_struct cinfo;
    jpeg_err jerr;
    uint8_t *volatile pixels = NULL;
    uint8_t *volatile row = NULL;
    cinfo.err = jpeg_std_error(&jerr.pub);
    jerr.pub.error_exit = jpeg_fail;
    jerr.pub.emit_message = jpeg_quiet;
    if (setjmp(jerr.jump)) {
        jpeg_destroy_decompress(&cinfo);
        free(pixels);
        free(row);
        set_err(err, errlen, "%s", jerr.message);
        return -1;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)len);
    jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xFFFF);
    jpeg_read_header(&cinfo, TRUE);
    for (jpeg_saved_marker_ptr mk = cinfo.marker_list; mk; mk = mk->next) {
        if (mk->marker == JPEG_APP0 + 1) *orientation = exif_orientation(mk->data, mk->data_length);
    }
    uint64_t total = (uint64_t)cinfo.image_width * cinfo.image_height;
    if (total > max_pixels) {
        jpeg_destroy_decompress(&cinfo);
        set_err(err, errlen, "image has %llu pixels, more than the limit of %llu", (unsigned long long)total, (unsigned long long)max_pixels);
        return -2;
    }
    int cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
    cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
    jpeg_start_decompress(&cinfo);
    uint32_t w = cinfo.output_width, h = cinfo.output_height;
    int comps = cinfo.output_components;
    pixels = (uint8_t *)malloc((size_t)w * h * 4);
    row = (uint8_t *)malloc((size_t)w * comps);
    if (!pixels || !row) {
        jpeg_destroy_decompress(&cinfo);
        free(pixels); free(row);
        set_err(err, errlen, "out of memory");
        return -1;
    }
    // Adobe writes inverted CMYK; the APP14 marker says so (saw_Adobe_marker).
    int inverted = cmyk && cinfo.saw_Adobe_marker;
    while (cinfo.output_scanline < h) {
        uint32_t y = cinfo.output_scanline;
        JSAMPROW rows[1] = { row };
        jpeg_read_scanlines(&cinfo, rows, 1);
        uint8_t *dst = pixels + (size_t)y * w * 4;
        for (uint32_t x = 0; x < w; x++) {
            if (cmyk) {
                int c = row[x * 4], m = row[x * 4 + 1], yy = row[x * 4 + 2], k = row[x * 4 + 3];
                if (!inverted) { c = 255 - c; m = 255 - m; yy = 255 - yy; k = 255 - k; }
                dst[x * 4 + 0] = (uint8_t)(c * k / 255);
                dst[x * 4 + 1] = (uint8_t)(m * k / 255);
                dst[x * 4 + 2] = (uint8_t)(yy * k / 255);
            } else {
                dst[x * 4 + 0] = row[x * 3];
                dst[x * 4 + 1] = row[x * 3 + 1];
                dst[x * 4 + 2] = row[x * 3 + 2];
            }
            dst[x * 4 + 3] = 255;
        }
    }
    jpeg_finish_decompress(&cinfo);
    long warnings = jerr.pub.num_warnings;
    jpeg_destroy_decompress(&cinfo);
    free(row);
    // A truncated JPEG decodes "successfully" with grey fill and a warning: treat it as broken.
    if (warnings > 0) {
        free(pixels);
        set_err(err, errlen, "the JPEG data is damaged or truncated");
        return -1;
    }
    out->width = w;
    out->height = h;
    out->rgba = pixels;
    return 0;
}

/* ---------------------------------------------------------------- PNG (simplified API: no longjmp escapes) */

int mdg_png_decode(const uint8_t *data, size_t len, uint64_t max_pixels, mdg_image *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&image, data, len)) {
        set_err(err, errlen, "%s", image.message);
        return -1;
    }
    uint64_t total = (uint64_t)image.width * image.height;
    if (total > max_pixels) {
        png_image_free(&image);
        set_err(err, errlen, "image has %llu pixels, more than the limit of %llu", (unsigned long long)total, (unsigned long long)max_pixels);
        return -2;
    }
    image.format = PNG_FORMAT_RGBA;
    uint8_t *pixels = (uint8_t *)malloc(PNG_IMAGE_SIZE(image));
    if (!pixels) { png_image_free(&image); set_err(err, errlen, "out of memory"); return -1; }
    // White background for transparent scans; stride 0 means packed rows.
    if (!png_image_finish_read(&image, NULL, pixels, 0, NULL)) {
        free(pixels);
        set_err(err, errlen, "%s", image.message);
        return -1;
    }
    if (image.warning_or_error & PNG_IMAGE_ERROR) {
        free(pixels);
        set_err(err, errlen, "%s", image.message);
        return -1;
    }
    out->width = image.width;
    out->height = image.height;
    out->rgba = pixels;
    return 0;
}

int mdg_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels, uint8_t **out, size_t *outlen, char *err, size_t errlen) {
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    image.width = width;
    image.height = height;
    image.format = channels == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
    size_t size = 0;
    if (!png_image_write_to_memory(&image, NULL, &size, 0, pixels, 0, NULL)) {
        set_err(err, errlen, "%s", image.message);
        return -1;
    }
    uint8_t *buffer = (uint8_t *)malloc(size);
    if (!buffer) { set_err(err, errlen, "out of memory"); return -1; }
    if (!png_image_write_to_memory(&image, buffer, &size, 0, pixels, 0, NULL)) {
        free(buffer);
        set_err(err, errlen, "%s", image.message);
        return -1;
    }
    *out = buffer;
    *outlen = size;
    return 0;
}

/* ---------------------------------------------------------------- scaling and orientation */

int mdg_scale_to_rgb(const mdg_image *src, uint32_t dw, uint32_t dh, uint8_t **out) {
    if (!src->rgba || dw == 0 || dh == 0) return -1;
    uint32_t sw = src->width, sh = src->height;
    uint8_t *rgb = (uint8_t *)malloc((size_t)dw * dh * 3);
    if (!rgb) return -1;
    int grey = 1;
    for (uint32_t y = 0; y < dh; y++) {
        uint32_t y0 = (uint32_t)((uint64_t)y * sh / dh), y1 = (uint32_t)((uint64_t)(y + 1) * sh / dh);
        if (y1 <= y0) y1 = y0 + 1;
        for (uint32_t x = 0; x < dw; x++) {
            uint32_t x0 = (uint32_t)((uint64_t)x * sw / dw), x1 = (uint32_t)((uint64_t)(x + 1) * sw / dw);
            if (x1 <= x0) x1 = x0 + 1;
            uint64_t r = 0, g = 0, b = 0, n = 0;
            for (uint32_t yy = y0; yy < y1 && yy < sh; yy++) {
                const uint8_t *p = src->rgba + ((size_t)yy * sw + x0) * 4;
                for (uint32_t xx = x0; xx < x1 && xx < sw; xx++, p += 4) {
                    // composite over white so transparent areas of a scan read as paper
                    uint32_t a = p[3];
                    r += (p[0] * a + 255 * (255 - a)) / 255;
                    g += (p[1] * a + 255 * (255 - a)) / 255;
                    b += (p[2] * a + 255 * (255 - a)) / 255;
                    n++;
                }
            }
            if (n == 0) n = 1;
            uint8_t *d = rgb + ((size_t)y * dw + x) * 3;
            d[0] = (uint8_t)(r / n); d[1] = (uint8_t)(g / n); d[2] = (uint8_t)(b / n);
            if (d[0] != d[1] || d[1] != d[2]) grey = 0;
        }
    }
    if (grey) {
        for (size_t i = 0; i < (size_t)dw * dh; i++) rgb[i] = rgb[i * 3];
        *out = rgb;
        return 1;
    }
    *out = rgb;
    return 3;
}

int mdg_apply_orientation(mdg_image *img, int orientation) {
    if (orientation <= 1 || orientation > 8) return 0;
    uint32_t w = img->width, h = img->height;
    int swap = orientation >= 5;
    uint32_t nw = swap ? h : w, nh = swap ? w : h;
    uint32_t *src = (uint32_t *)img->rgba;
    uint32_t *dst = (uint32_t *)malloc((size_t)w * h * 4);
    if (!dst) return -1;
    for (uint32_t y = 0; y < h; y++) {
        for (uint32_t x = 0; x < w; x++) {
            uint32_t nx, ny;
            switch (orientation) {
            case 2: nx = w - 1 - x; ny = y; break;              // mirror horizontal
            case 3: nx = w - 1 - x; ny = h - 1 - y; break;      // rotate 180
            case 4: nx = x; ny = h - 1 - y; break;              // mirror vertical
            case 5: nx = y; ny = x; break;                      // transpose
            case 6: nx = h - 1 - y; ny = x; break;              // rotate 90 clockwise
            case 7: nx = h - 1 - y; ny = w - 1 - x; break;      // transverse
            default: nx = y; ny = w - 1 - x; break;             // 8: rotate 270 clockwise
            }
            dst[(size_t)ny * nw + nx] = src[(size_t)y * w + x];
        }
    }
    free(img->rgba);
    img->rgba = (uint8_t *)dst;
    img->width = nw;
    img->height = nh;
    return 0;
}

/* ---------------------------------------------------------------- masking and TIFF writing */

void mdg_fill_rect(mdg_image *img, uint32_t x, uint32_t y, uint32_t w, uint32_t h) {
    if (!img->rgba || x >= img->width || y >= img->height) return;
    uint32_t x1 = x + w > img->width ? img->width : x + w;
    uint32_t y1 = y + h > img->height ? img->height : y + h;
    for (uint32_t yy = y; yy < y1; yy++) {
        uint8_t *p = img->rgba + ((size_t)yy * img->width + x) * 4;
        for (uint32_t xx = x; xx < x1; xx++, p += 4) { p[0] = 0; p[1] = 0; p[2] = 0; p[3] = 255; }
    }
}

struct mdg_tiff_writer {
    mem_file m;
    TIFF *tif;
    int count;
};

mdg_tiff_writer *mdg_tiff_writer_open(int count) {
    mdg_tiff_writer *w = (mdg_tiff_writer *)calloc(1, sizeof *w);
    if (!w) return NULL;
    w->count = count;
    TIFFOpenOptions *opts = TIFFOpenOptionsAlloc();
    TIFFOpenOptionsSetErrorHandlerExtR(opts, mt_error, &w->m);
    TIFFOpenOptionsSetWarningHandlerExtR(opts, mt_warning, &w->m);
    w->tif = TIFFClientOpenExt("memory", "w", (thandle_t)&w->m, mt_read, mt_write, mt_seek, mt_close, mt_size, mt_map, mt_unmap, opts);
    TIFFOpenOptionsFree(opts);
    if (!w->tif) { free(w->m.data); free(w); return NULL; }
    return w;
}

int mdg_tiff_writer_add(mdg_tiff_writer *w, const mdg_image *p, int index) {
    if (w->m.failed) return -1;
    TIFF *tif = w->tif;
    size_t n = (size_t)p->width * p->height;
    int grey = 1;
    for (size_t k = 0; k < n && grey; k++) {
        const uint8_t *px = p->rgba + k * 4;
        if (px[0] != px[1] || px[1] != px[2]) grey = 0;
    }
    int spp = grey ? 1 : 3;
    TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, p->width);
    TIFFSetField(tif, TIFFTAG_IMAGELENGTH, p->height);
    TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, spp);
    TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 8);
    TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, grey ? PHOTOMETRIC_MINISBLACK : PHOTOMETRIC_RGB);
    TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
    TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, TIFFDefaultStripSize(tif, 0));
    TIFFSetField(tif, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
    TIFFSetField(tif, TIFFTAG_PAGENUMBER, (uint16_t)index, (uint16_t)w->count);
    uint8_t *row = (uint8_t *)malloc((size_t)p->width * spp);
    if (!row) { w->m.failed = 1; snprintf(w->m.message, sizeof w->m.message, "out of memory"); return -1; }
    for (uint32_t y = 0; y < p->height && !w->m.failed; y++) {
        const uint8_t *src = p->rgba + (size_t)y * p->width * 4;
        for (uint32_t x = 0; x < p->width; x++) {
            if (grey) row[x] = src[x * 4];
            else { row[x * 3] = src[x * 4]; row[x * 3 + 1] = src[x * 4 + 1]; row[x * 3 + 2] = src[x * 4 + 2]; }
        }
        if (TIFFWriteScanline(tif, row, y, 0) < 0) w->m.failed = 1;
    }
    free(row);
    if (!w->m.failed && !TIFFWriteDirectory(tif)) w->m.failed = 1;
    return w->m.failed ? -1 : 0;
}

int mdg_tiff_writer_finish(mdg_tiff_writer *w, uint8_t **out, size_t *outlen, char *err, size_t errlen) {
    TIFFClose(w->tif);
    int failed = w->m.failed;
    if (failed) {
        free(w->m.data);
        set_err(err, errlen, "%s", w->m.message[0] ? w->m.message : "cannot write TIFF");
    } else {
        *out = w->m.data;
        *outlen = w->m.len;
    }
    free(w);
    return failed ? -1 : 0;
}

int mdg_tiff_page_sizes(const uint8_t *data, size_t len, uint32_t *widths, uint32_t *heights, int max, char *err, size_t errlen) {
    mem_file m;
    TIFF *tif = open_mem_tiff(&m, data, len);
    if (!tif) { set_err(err, errlen, "%s", m.failed ? m.message : "not a readable TIFF"); return -1; }
    int count = 0;
    do {
        uint32_t w = 0, h = 0;
        if (!TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &w) || !TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &h) || w == 0 || h == 0) {
            TIFFClose(tif);
            set_err(err, errlen, "page %d has no size", count + 1);
            return -1;
        }
        if (count < max) { widths[count] = w; heights[count] = h; }
        count++;
    } while (count <= max && TIFFReadDirectory(tif));
    TIFFClose(tif);
    if (m.failed) { set_err(err, errlen, "%s", m.message); return -1; }
    return count;
}
