package io.switchboard.protocol;

import com.fasterxml.jackson.core.io.NumberOutput;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Formats non-integral numbers exactly as JavaScript's {@code Number.prototype.toString} (hence JSON.stringify)
 * does: shortest round-trip digits, no trailing {@code .0}, plain notation from 1e-7 up to 1e21 and
 * {@code 1.5e+21} style outside, {@code -0} as {@code 0}, NaN and infinities as {@code null}.
 *
 * <p>Java 17's {@code Double.toString} does not always produce the shortest digits (1e23 prints as
 * 9.999999999999999E22), so the digits come from Jackson's Schubfach implementation instead.
 */
final class JsNumber {

    private JsNumber() {
    }

    static void appendDouble(StringBuilder out, double value) {
        if (!Double.isFinite(value)) {
            out.append("null"); // JSON.stringify(NaN) and JSON.stringify(Infinity)
            return;
        }
        if (value == 0) {
            out.append('0'); // also -0
            return;
        }
        appendDecimal(out, shortestDigits(value));
    }

    /**
     * The shortest decimal that reads back as {@code value}, the closest one when several have that length.
     * Schubfach as Java specifies it never returns fewer than 2 significant digits, which only matters for the
     * tiniest subnormals: it gives 4.9E-324 where JavaScript writes 5e-324.
     */
    private static BigDecimal shortestDigits(double value) {
        BigDecimal decimal = new BigDecimal(NumberOutput.toString(value, true)).stripTrailingZeros();
        if (decimal.precision() != 2) {
            return decimal;
        }
        BigDecimal down = decimal.round(new MathContext(1, RoundingMode.DOWN));
        BigDecimal up = decimal.round(new MathContext(1, RoundingMode.UP));
        boolean downReadsBack = Double.parseDouble(down.toString()) == value;
        boolean upReadsBack = Double.parseDouble(up.toString()) == value;
        if (downReadsBack && upReadsBack) {
            BigDecimal exact = new BigDecimal(value);
            int cmp = exact.subtract(down).abs().compareTo(up.subtract(exact).abs());
            boolean downIsEven = !down.unscaledValue().testBit(0);
            return cmp < 0 || (cmp == 0 && downIsEven) ? down : up;
        }
        return downReadsBack ? down : upReadsBack ? up : decimal;
    }

    static void appendFloat(StringBuilder out, float value) {
        if (!Float.isFinite(value)) {
            out.append("null");
            return;
        }
        if (value == 0) {
            out.append('0');
            return;
        }
        // The float's own shortest digits: 1.1f is meant as 1.1, not as its double widening 1.100000023841858.
        appendDecimal(out, new BigDecimal(NumberOutput.toString(value, true)));
    }

    /** ECMAScript Number::toString layout applied to the decimal's exact digits. */
    static void appendDecimal(StringBuilder out, BigDecimal value) {
        if (value.signum() == 0) {
            out.append('0');
            return;
        }
        if (value.signum() < 0) {
            out.append('-');
            value = value.negate();
        }
        value = value.stripTrailingZeros();
        String digits = value.unscaledValue().toString();
        int k = digits.length(); // number of significant digits
        long n = (long) k - value.scale(); // value = 0.digits * 10^n
        if (k <= n && n <= 21) {
            out.append(digits);
            for (long i = k; i < n; i++) {
                out.append('0');
            }
        } else if (0 < n && n <= 21) {
            out.append(digits, 0, (int) n).append('.').append(digits, (int) n, k);
        } else if (-6 < n && n <= 0) {
            out.append("0.");
            for (long i = n; i < 0; i++) {
                out.append('0');
            }
            out.append(digits);
        } else {
            long exponent = n - 1;
            out.append(digits.charAt(0));
            if (k > 1) {
                out.append('.').append(digits, 1, k);
            }
            out.append('e').append(exponent < 0 ? '-' : '+').append(Math.abs(exponent));
        }
    }
}
