package dev.signet.hsm.software;

import java.util.regex.Pattern;

/**
 * The labels the software backend accepts. A label becomes a file name, so the rule is strict:
 * ASCII letters, digits, {@code . _ -}, starting with a letter or digit, at most 100 characters.
 * That rules out path separators, {@code ..}, hidden files and names that differ only in
 * invisible characters.
 */
final class Labels {

    static final int MAX_LENGTH = 100;
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private Labels() {
    }

    static String check(String label) {
        if (label == null || label.isEmpty()) {
            throw new IllegalArgumentException("a key label must not be empty");
        }
        if (label.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("a key label has at most " + MAX_LENGTH + " characters");
        }
        if (!VALID.matcher(label).matches()) {
            throw new IllegalArgumentException("key label '" + printable(label)
                    + "' must start with a letter or digit and contain only A-Z a-z 0-9 . _ -");
        }
        return label;
    }

    /** The label with anything unusual escaped, so an error message cannot smuggle control characters. */
    private static String printable(String label) {
        StringBuilder b = new StringBuilder();
        label.codePoints().limit(MAX_LENGTH).forEach(c -> {
            if (c >= 0x20 && c < 0x7f) {
                b.appendCodePoint(c);
            } else {
                b.append(String.format("\\u%04x", c));
            }
        });
        return b.toString();
    }
}
