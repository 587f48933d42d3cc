package dev.mlportfolio.core.detect;

import java.util.ArrayList;
import java.util.List;

/**
 * A mask in COCO's compressed run-length form, as pycocotools writes it:
 * {@code {"size": [height, width], "counts": "..."}}. Runs go down the columns (Fortran order),
 * alternating zeros and ones, starting with zeros; counts are delta-coded against the count two
 * before and packed five bits per character from '0' (see pycocotools' maskApi.c, rleToString).
 *
 * @param height the image's height
 * @param width  the image's width
 * @param counts the packed run lengths
 */
public record CocoRle(int height, int width, String counts) {

    /**
     * The size as JSON carries it.
     *
     * @return {@code [height, width]}
     */
    public int[] size() {
        return new int[] {height, width};
    }

    /**
     * Encodes a mask.
     *
     * @param mask the mask
     * @return its encoding
     */
    public static CocoRle encode(BinaryMask mask) {
        return new CocoRle(mask.imageHeight(), mask.imageWidth(), toCountString(runs(mask)));
    }

    /**
     * Decodes back to a full-image mask.
     *
     * @return the mask
     * @throws IllegalArgumentException when the counts do not cover the image exactly
     */
    public BinaryMask decode() {
        long[] runs = fromCountString(counts);
        byte[] bits = new byte[width * height];
        long position = 0;
        for (int i = 0; i < runs.length; i++) {
            if ((i & 1) == 1) {
                for (long p = position; p < position + runs[i]; p++) {
                    int x = (int) (p / height);
                    int y = (int) (p % height);
                    bits[y * width + x] = 1;
                }
            }
            position += runs[i];
        }
        if (position != (long) width * height) {
            throw new IllegalArgumentException("RLE counts cover " + position + " pixels, not " + (long) width * height);
        }
        return new BinaryMask(width, height, 0, 0, width, height, bits);
    }

    static long[] runs(BinaryMask mask) {
        int h = mask.imageHeight();
        int left = mask.left();
        int top = mask.top();
        int rw = mask.regionWidth();
        int rh = mask.regionHeight();
        byte[] bits = mask.regionBits();
        RunWriter runs = new RunWriter();
        runs.add(0, (long) left * h);                      // whole columns before the region
        for (int x = 0; x < rw; x++) {
            runs.add(0, top);                             // above the region in this column
            for (int y = 0; y < rh; y++) {
                runs.add(bits[y * rw + x], 1);
            }
            runs.add(0, h - top - rh);                    // below it
        }
        runs.add(0, (long) (mask.imageWidth() - left - rw) * h);
        return runs.finish();
    }

    /** Collects alternating run lengths, zeros first, merging consecutive runs of the same value. */
    private static final class RunWriter {
        private long[] runs = new long[64];
        private int size;
        private int current;
        private long length;

        void add(int bit, long count) {
            if (count == 0) {
                return;
            }
            if (bit != current) {
                push(length);
                current = bit;
                length = 0;
            }
            length += count;
        }

        long[] finish() {
            push(length);
            return java.util.Arrays.copyOf(runs, size);
        }

        private void push(long value) {
            if (size == runs.length) {
                runs = java.util.Arrays.copyOf(runs, size * 2);
            }
            runs[size++] = value;
        }
    }

    static String toCountString(long[] runs) {
        StringBuilder s = new StringBuilder(runs.length * 2);
        for (int i = 0; i < runs.length; i++) {
            long x = runs[i];
            if (i > 2) {
                x -= runs[i - 2];
            }
            boolean more = true;
            while (more) {
                long c = x & 0x1f;
                x >>= 5;
                more = (c & 0x10) != 0 ? x != -1 : x != 0;
                if (more) {
                    c |= 0x20;
                }
                s.append((char) (c + 48));
            }
        }
        return s.toString();
    }

    static long[] fromCountString(String s) {
        List<Long> runs = new ArrayList<>();
        int p = 0;
        while (p < s.length()) {
            long x = 0;
            int k = 0;
            boolean more = true;
            while (more) {
                if (p >= s.length()) {
                    throw new IllegalArgumentException("RLE string ends inside a count");
                }
                long c = s.charAt(p) - 48;
                x |= (c & 0x1f) << (5 * k);
                more = (c & 0x20) != 0;
                p++;
                k++;
                if (!more && (c & 0x10) != 0) {
                    x |= -1L << (5 * k);
                }
            }
            if (runs.size() > 2) {
                x += runs.get(runs.size() - 2);
            }
            runs.add(x);
        }
        return runs.stream().mapToLong(Long::longValue).toArray();
    }
}
