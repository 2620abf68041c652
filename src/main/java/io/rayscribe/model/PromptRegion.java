package io.rayscribe.model;

/**
 * The image region one soft visual prompt summarises, in normalised image coordinates (0..1,
 * x to the right, y down), so overlays can be drawn at any zoom.
 */
public record PromptRegion(int index, double x0, double y0, double x1, double y1) {
}
