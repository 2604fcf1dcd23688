/** Pixels in memory: interleaved 3-channel sRGB, optional separate alpha of the same depth. */
export interface RgbImage {
  width: number;
  height: number;
  rgb: Uint8Array | Uint16Array;
  alpha?: Uint8Array | Uint16Array;
}

export interface DecodedImageMetadata {
  /** Raw EXIF block as sharp reports it (may start with "Exif\0\0"). */
  exif?: Buffer;
  /** ICC profile the file carried (pixels are already converted from it to sRGB). */
  icc?: Buffer;
  /** EXIF orientation of the file (already applied to the pixels). */
  orientation?: number;
  /** Pixels per inch, when the file says. */
  density?: number;
  /** Stored as grayscale, or every pixel neutral within 2/255 (a gray photo saved as RGB). */
  wasGray: boolean;
  hasAlpha: boolean;
  /** Pages/frames in the file; only the first is decoded. */
  pages?: number;
}

export interface DecodedImage extends RgbImage {
  /** After EXIF orientation is applied. */
  width: number;
  height: number;
  /** Interleaved 3 channels, sRGB (ICC converted). */
  rgb: Uint8Array | Uint16Array;
  bitDepth: 8 | 16;
  /** Kept aside, same bit depth as rgb. */
  alpha?: Uint8Array | Uint16Array;
  /** 'jpeg' | 'png' | 'webp' | 'avif' | 'tiff' | 'gif' | 'heif'. */
  format: string;
  metadata: DecodedImageMetadata;
}
