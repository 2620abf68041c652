package io.rayscribe.ui;

/**
 * A 2-D affine map {@code (x, y) -> (mxx*x + mxy*y + tx, myx*x + myy*y + ty)}: here, from image pixels to
 * viewport pixels. Plain arithmetic, so the renderer thread can use it without touching JavaFX nodes.
 */
record ViewTransform(double mxx, double mxy, double tx, double myx, double myy, double ty) {
    static final ViewTransform IDENTITY = new ViewTransform(1, 0, 0, 0, 1, 0);

    /**
     * The viewer's placement of a {@code imageWidth x imageHeight} image in a {@code viewWidth x viewHeight}
     * viewport: centred, scaled by {@code scale}, rotated clockwise by {@code rotationDegrees} about its centre,
     * flipped, then moved by the pan offset.
     */
    static ViewTransform place(double viewWidth, double viewHeight, int imageWidth, int imageHeight, double scale,
                               double panX, double panY, int rotationDegrees, boolean flipH, boolean flipV) {
        double rad = Math.toRadians(rotationDegrees);
        double cos = exact(Math.cos(rad));
        double sin = exact(Math.sin(rad));
        double sx = flipH ? -scale : scale;
        double sy = flipV ? -scale : scale;
        double mxx = cos * sx;
        double mxy = -sin * sy;
        double myx = sin * sx;
        double myy = cos * sy;
        double cx = imageWidth / 2.0;
        double cy = imageHeight / 2.0;
        return new ViewTransform(mxx, mxy, viewWidth / 2 + panX - (mxx * cx + mxy * cy),
                myx, myy, viewHeight / 2 + panY - (myx * cx + myy * cy));
    }

    static ViewTransform translation(double dx, double dy) {
        return new ViewTransform(1, 0, dx, 0, 1, dy);
    }

    /** Quarter turns give exact 0 and ±1 (cos 90° is 6e-17 in floating point, which would blur a 1:1 view). */
    private static double exact(double v) {
        double r = Math.rint(v);
        return Math.abs(v - r) < 1e-12 ? r : v;
    }

    /** This map followed by a uniform scale (device pixels per viewport unit). */
    ViewTransform scaled(double s) {
        return new ViewTransform(mxx * s, mxy * s, tx * s, myx * s, myy * s, ty * s);
    }

    /** {@code after ∘ this}: first this map, then {@code after}. */
    ViewTransform then(ViewTransform after) {
        return new ViewTransform(
                after.mxx * mxx + after.mxy * myx, after.mxx * mxy + after.mxy * myy, after.mxx * tx + after.mxy * ty + after.tx,
                after.myx * mxx + after.myy * myx, after.myx * mxy + after.myy * myy, after.myx * tx + after.myy * ty + after.ty);
    }

    ViewTransform inverse() {
        double det = mxx * myy - mxy * myx;
        if (Math.abs(det) < 1e-300) {
            throw new IllegalStateException("a view transform with zero scale has no inverse");
        }
        double ixx = myy / det;
        double ixy = -mxy / det;
        double iyx = -myx / det;
        double iyy = mxx / det;
        return new ViewTransform(ixx, ixy, -(ixx * tx + ixy * ty), iyx, iyy, -(iyx * tx + iyy * ty));
    }

    double x(double x, double y) {
        return mxx * x + mxy * y + tx;
    }

    double y(double x, double y) {
        return myx * x + myy * y + ty;
    }

    /** How many viewport pixels one image pixel spans (the scale, whatever the rotation or flip). */
    double scaleFactor() {
        return Math.sqrt(Math.abs(mxx * myy - mxy * myx));
    }

    boolean isIdentity(double tolerance) {
        return Math.abs(mxx - 1) < tolerance && Math.abs(myy - 1) < tolerance && Math.abs(mxy) < tolerance
                && Math.abs(myx) < tolerance && Math.abs(tx) < tolerance && Math.abs(ty) < tolerance;
    }
}
