// COCO compressed RLE, as pycocotools writes it (rleToString): run lengths, alternately background
// and mask, over the pixels in column-major order, each written as 5-bit groups in characters from
// '0' (48) with bit 0x20 meaning "more groups follow", the last group's 0x10 bit its sign, and each
// run after the second stored as the difference to the run two before it.

export function decodeCounts(text) {
  const counts = [];
  let p = 0;
  while (p < text.length) {
    let value = 0;
    let k = 0;
    let more = true;
    while (more) {
      const c = text.charCodeAt(p) - 48;
      value |= (c & 0x1f) << (5 * k);
      more = (c & 0x20) !== 0;
      p++;
      k++;
      if (!more && (c & 0x10) !== 0) {
        value |= -1 << (5 * k);
      }
    }
    if (counts.length > 2) {
      value += counts[counts.length - 2];
    }
    counts.push(value);
  }
  return counts;
}

/**
 * The mask's pixels as row-major offsets (y * width + x), in the order the runs give them: a
 * painter then visits only the mask's own pixels, not the whole image once per instance.
 */
export function maskPixels(rle) {
  const [height, width] = rle.size;
  const runs = decodeCounts(rle.counts);
  let area = 0;
  for (let r = 1; r < runs.length; r += 2) {
    area += runs[r];
  }
  const pixels = new Uint32Array(area);
  let index = 0;
  let n = 0;
  runs.forEach((run, r) => {
    if (r % 2 === 1) {
      for (let i = index; i < index + run; i++) {
        pixels[n++] = (i % height) * width + Math.floor(i / height);
      }
    }
    index += run;
  });
  return pixels;
}
