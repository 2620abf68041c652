package io.rayscribe.ui;

/**
 * Number formatting for labels refreshed while a draft streams: plain arithmetic instead of
 * {@code String.format}, whose Formatter and locale set-up cost the UI thread milliseconds on first use.
 */
final class Format {
    private Format() {
    }

    /** {@code v} rounded to {@code decimals} (0-3) places, '.' as separator, e.g. fixed(2.345, 1) = "2.3". */
    static String fixed(double v, int decimals) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return String.valueOf(v);
        }
        long scale = decimals <= 0 ? 1 : decimals == 1 ? 10 : decimals == 2 ? 100 : 1000;
        long n = Math.round(Math.abs(v) * scale);
        StringBuilder b = new StringBuilder(12);
        if (v < 0 && n != 0) {
            b.append('-');
        }
        b.append(n / scale);
        if (decimals > 0) {
            b.append('.');
            String frac = Long.toString(n % scale);
            for (int i = frac.length(); i < Math.min(decimals, 3); i++) {
                b.append('0');
            }
            b.append(frac);
        }
        return b.toString();
    }

    /** {@code s} right-aligned in {@code width} characters. */
    static String padLeft(String s, int width) {
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }

    /** {@code s} left-aligned in {@code width} characters. */
    static String padRight(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
