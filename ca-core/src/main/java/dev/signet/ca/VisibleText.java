package dev.signet.ca;

import dev.signet.ca.store.Checks;

/**
 * Names people read (token names, certificate subjects) must show what they are: no control
 * characters (a terminal obeys ANSI escapes; a newline fakes a line of output), no invisible or
 * direction-changing characters (a zero-width space or a right-to-left override makes two names
 * look alike, or one look like another).
 */
public final class VisibleText {

    private VisibleText() {
    }

    /** The first character of {@code s} that is a control, format (zero-width, bidi) or separator character, or -1. */
    public static int firstInvisible(String s) {
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            if (invisible(c)) {
                return i;
            }
            i += Character.charCount(c);
        }
        return -1;
    }

    static boolean invisible(int c) {
        int type = Character.getType(c);
        return Character.isISOControl(c) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || type == Character.UNASSIGNED || type == Character.SURROGATE
                || type == Character.PRIVATE_USE;
    }

    /** {@code s} with every such character written as {@code \\u{XXXX}}: safe to print. */
    public static String escaped(String s) {
        if (s == null || firstInvisible(s) < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        s.codePoints().forEach(c -> {
            if (invisible(c)) {
                out.append(String.format("\\u{%04X}", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    /** A name of 1 to {@code max} characters, all of them visible. */
    public static String name(String value, String what, int max) {
        Checks.notBlank(value, what);
        if (value.length() > max) {
            throw new InvalidRecordException(what + " must have at most " + max + " characters");
        }
        int bad = firstInvisible(value);
        if (bad >= 0) {
            throw new InvalidRecordException(what + " must not contain control, invisible or bidirectional characters"
                    + String.format(" (U+%04X at %d)", value.codePointAt(bad), bad));
        }
        return value;
    }
}
