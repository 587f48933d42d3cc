package dev.mlportfolio.core.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** A mask stored over a region of its image: the region must lie inside it, and the tight box is in image pixels. */
class BinaryMaskTest {

    @Test
    void refusesARegionOutsideItsImageOrBitsOfAnotherSize() {
        assertThrows(IllegalArgumentException.class, () -> new BinaryMask(10, 10, -1, 0, 3, 3, new byte[9]));
        assertThrows(IllegalArgumentException.class, () -> new BinaryMask(10, 10, 0, -1, 3, 3, new byte[9]));
        assertThrows(IllegalArgumentException.class, () -> new BinaryMask(10, 10, 8, 0, 3, 3, new byte[9]), "8 + 3 > 10");
        assertThrows(IllegalArgumentException.class, () -> new BinaryMask(10, 10, 0, 8, 3, 3, new byte[9]));
        assertThrows(IllegalArgumentException.class, () -> new BinaryMask(10, 10, 0, 0, 3, 3, new byte[8]));
        assertEquals(3, new BinaryMask(10, 10, 7, 7, 3, 3, new byte[9]).regionWidth(), "a region touching the corner fits");
    }

    @Test
    void theTightBoxOfASinglePixelInTheFirstColumn() {
        byte[] bits = new byte[4 * 3];
        bits[2 * 4] = 1;                          // region pixel (0, 2)
        BinaryMask mask = new BinaryMask(20, 10, 5, 1, 4, 3, bits);
        assertEquals(new Box(5, 3, 6, 4), mask.tightBox());
        assertNull(new BinaryMask(20, 10, 5, 1, 4, 3, new byte[12]).tightBox(), "an empty mask has no box");
    }
}
