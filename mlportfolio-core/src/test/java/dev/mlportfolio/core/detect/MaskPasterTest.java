package dev.mlportfolio.core.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MaskPasterTest {
    private static final int S = 28;

    @Test
    void aFullSquareFillsExactlyThePixelsWhoseCentresAreInTheBox() {
        float[] ones = new float[S * S];
        Arrays.fill(ones, 1f);
        BinaryMask mask = MaskPaster.paste(ones, 0, S, new Box(10, 5, 20, 15), 40, 30);
        assertEquals(100, mask.area());
        assertEquals(new Box(10, 5, 20, 15), mask.tightBox());
    }

    @Test
    void fractionalBoxesRoundAtPixelCentres() {
        float[] ones = new float[S * S];
        Arrays.fill(ones, 1f);
        // Centres 10.5 .. 19.5 lie in [10.4, 19.6]; the half texel of zero padding keeps 9.5 and 20.5 out.
        BinaryMask mask = MaskPaster.paste(ones, 0, S, new Box(10.4f, 0f, 19.6f, 1f), 40, 30);
        assertEquals(new Box(10, 0, 20, 1), mask.tightBox());
    }

    @Test
    void theLeftHalfOfTheSquareFillsTheLeftHalfOfTheBox() {
        float[] half = new float[S * S];
        for (int y = 0; y < S; y++) {
            for (int x = 0; x < S / 2; x++) {
                half[y * S + x] = 1f;
            }
        }
        BinaryMask mask = MaskPaster.paste(half, 0, S, new Box(0, 0, 56, 28), 100, 50);
        assertTrue(mask.get(0, 0) && mask.get(27, 27));
        assertFalse(mask.get(28, 0), "the seam falls between pixels 27 and 28");
        assertEquals(new Box(0, 0, 28, 28), mask.tightBox());
    }

    @Test
    void readsTheRightSquareFromAnOffset() {
        float[] two = new float[2 * S * S];
        Arrays.fill(two, S * S, 2 * S * S, 1f);
        assertEquals(0, MaskPaster.paste(two, 0, S, new Box(0, 0, 10, 10), 20, 20).area());
        assertEquals(100, MaskPaster.paste(two, S * S, S, new Box(0, 0, 10, 10), 20, 20).area());
    }

    @Test
    void boxesAtTheImageEdgeStayInside() {
        float[] ones = new float[S * S];
        Arrays.fill(ones, 1f);
        BinaryMask mask = MaskPaster.paste(ones, 0, S, new Box(0, 0, 8, 6), 8, 6);
        assertEquals(48, mask.area());
        assertEquals(8, mask.regionWidth());
    }

    @Test
    void probabilitiesBelowOneHalfAreDropped() {
        float[] low = new float[S * S];
        Arrays.fill(low, 0.49f);
        assertEquals(0, MaskPaster.paste(low, 0, S, new Box(2, 2, 12, 12), 20, 20).area());
        Arrays.fill(low, 0.51f);
        assertEquals(100, MaskPaster.paste(low, 0, S, new Box(2, 2, 12, 12), 20, 20).area());
    }

    /** A box of the square's own size at a whole-pixel offset: each pixel centre samples exactly one value. */
    @Test
    void anAlignedBoxCopiesTheSquareValueForValueRowByRow() {
        float[] square = new float[S * S];
        for (int y = 0; y < S; y++) {
            for (int x = 0; x < S; x++) {
                square[y * S + x] = (x * 7 + y * 13) % 5 == 0 ? 1f : 0f;
            }
        }
        BinaryMask mask = MaskPaster.paste(square, 0, S, new Box(3, 2, 3 + S, 2 + S), 40, 40);
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 40; x++) {
                boolean inSquare = x >= 3 && x < 3 + S && y >= 2 && y < 2 + S;
                boolean expected = inSquare && square[(y - 2) * S + (x - 3)] == 1f;
                assertEquals(expected, mask.get(x, y), "pixel " + x + "," + y);
            }
        }
    }

    @Test
    void aValueOfExactlyOneHalfIsInTheMaskAndJustBelowItIsNot() {
        float[] half = new float[S * S];
        Arrays.fill(half, MaskPaster.THRESHOLD);
        assertEquals(S * S, MaskPaster.paste(half, 0, S, new Box(0, 0, S, S), S, S).area());
        Arrays.fill(half, Math.nextDown(MaskPaster.THRESHOLD));
        assertEquals(0, MaskPaster.paste(half, 0, S, new Box(0, 0, S, S), S, S).area());
    }
}
