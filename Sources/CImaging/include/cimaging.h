// C side of Madoguchi's imaging: every libjpeg/libpng/libtiff call lives here, because those
// libraries report errors by longjmp (or print them) and Swift cannot call setjmp. Each function
// returns 0 on success or -1 with a message in `err`, and never exits or prints.
#ifndef CIMAGING_H
#define CIMAGING_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t width;
    uint32_t height;
    uint8_t *rgba;  // width * height * 4 bytes, malloc'd; free with mdg_free
} mdg_image;

void mdg_free(void *p);

// TIFF (multi-page; G3/G4, LZW, Deflate, JPEG, packbits, any photometric libtiff can read)
int mdg_tiff_page_count(const uint8_t *data, size_t len, char *err, size_t errlen);
int mdg_tiff_page_size(const uint8_t *data, size_t len, int page, uint32_t *w, uint32_t *h, char *err, size_t errlen);
int mdg_tiff_decode(const uint8_t *data, size_t len, int page, uint64_t max_pixels, mdg_image *out, char *err, size_t errlen);

// JPEG (baseline/progressive, grey, RGB, CMYK/YCCK incl. Adobe inverted); EXIF orientation 1-8 in *orientation
int mdg_jpeg_decode(const uint8_t *data, size_t len, uint64_t max_pixels, mdg_image *out, int *orientation, char *err, size_t errlen);

// PNG (any bit depth, palette, grey, alpha, interlaced)
int mdg_png_decode(const uint8_t *data, size_t len, uint64_t max_pixels, mdg_image *out, char *err, size_t errlen);
// Encodes 8-bit grey (channels 1) or RGB (channels 3) pixels to PNG in memory.
int mdg_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels, uint8_t **out, size_t *outlen, char *err, size_t errlen);

// Area-average downscale of RGBA to an RGB or grey buffer of dw x dh (grey when every pixel is grey).
// Returns the channel count written (1 or 3) or -1. *out is malloc'd.
int mdg_scale_to_rgb(const mdg_image *src, uint32_t dw, uint32_t dh, uint8_t **out);

// Rotates/flips an RGBA image in place of *img per EXIF orientation (2-8).
int mdg_apply_orientation(mdg_image *img, int orientation);

// Paints a black rectangle (clipped to the image) over RGBA pixels: masking an area of a form.
void mdg_fill_rect(mdg_image *img, uint32_t x, uint32_t y, uint32_t w, uint32_t h);

// Writes a multi-page TIFF in memory one page at a time (Deflate; 8-bit grey where a page is
// grey, else RGB), so that masking a long file holds one decoded page, not all of them.
typedef struct mdg_tiff_writer mdg_tiff_writer;
mdg_tiff_writer *mdg_tiff_writer_open(int count);
int mdg_tiff_writer_add(mdg_tiff_writer *w, const mdg_image *page, int index);
// Closes the writer (always) and hands over the file; -1 with a message when any page failed.
int mdg_tiff_writer_finish(mdg_tiff_writer *w, uint8_t **out, size_t *outlen, char *err, size_t errlen);

// Every page's size, read from the directories without decoding: returns the page count (at
// most max + 1, so a caller can tell "more than max"), sizes of the first `max` pages.
int mdg_tiff_page_sizes(const uint8_t *data, size_t len, uint32_t *widths, uint32_t *heights, int max, char *err, size_t errlen);

#endif
