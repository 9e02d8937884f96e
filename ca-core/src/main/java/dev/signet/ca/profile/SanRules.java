package dev.signet.ca.profile;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which subject alternative names a certificate may carry: a type absent from {@code patterns} is
 * not allowed, and a value must fully match one of its type's patterns. {@code required} asks for
 * at least one SAN.
 */
public record SanRules(boolean required, Map<SanType, List<Pattern>> patterns) {

    public SanRules {
        patterns = Map.copyOf(patterns);
    }

    public boolean allows(SanType type) {
        return patterns.containsKey(type);
    }

    /** True if {@code value} fully matches one of the patterns for {@code type}. */
    public boolean accepts(SanType type, String value) {
        List<Pattern> list = patterns.get(type);
        if (list == null) {
            return false;
        }
        for (Pattern p : list) {
            if (p.matcher(value).matches()) {
                return true;
            }
        }
        return false;
    }
}
