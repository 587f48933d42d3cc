package dev.mlportfolio.core.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BoxTest {
    @Test
    void aBoxWithoutAreaIsEmpty() {
        assertFalse(new Box(0, 0, 1, 1).isEmpty(), "one pixel");
        assertFalse(new Box(2.5f, 3, 2.75f, 3.25f).isEmpty(), "a quarter pixel still has area");
        assertTrue(new Box(4, 0, 4, 10).isEmpty(), "zero width");
        assertTrue(new Box(0, 4, 10, 4).isEmpty(), "zero height");
        assertTrue(new Box(5, 5, 4, 6).isEmpty(), "negative width");
        assertTrue(new Box(5, 6, 6, 5).isEmpty(), "negative height");
        assertTrue(new Box(Float.NaN, 0, 1, 1).isEmpty(), "not a number");
    }

    @Test
    void asAnArrayInTheApisOrder() {
        assertArrayEquals(new float[] {1, 2, 3, 4}, new Box(1, 2, 3, 4).toArray());
    }
}
