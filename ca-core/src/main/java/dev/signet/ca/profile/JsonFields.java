package dev.signet.ca.profile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.ca.ProfileException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads one JSON object field by field, knowing its path in the file, so that every error names
 * the field. Fields nobody read are reported by {@link #rejectUnknown()}: a typo must not silently
 * widen a profile.
 */
final class JsonFields {

    private final String source;
    private final String path;
    private final JsonNode node;
    private final Set<String> read = new HashSet<>();

    JsonFields(String source, String path, JsonNode node) {
        this.source = source;
        this.path = path;
        if (node == null || !node.isObject()) {
            throw error(path, "must be a JSON object");
        }
        this.node = node;
    }

    ProfileException error(String field, String reason) {
        return new ProfileException(source, field, reason);
    }

    String pathOf(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    private JsonNode get(String field) {
        read.add(field);
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v;
    }

    boolean has(String field) {
        return node.hasNonNull(field);
    }

    String string(String field, boolean required) {
        JsonNode v = get(field);
        if (v == null) {
            if (required) {
                throw error(pathOf(field), "is required");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw error(pathOf(field), "must be a string");
        }
        return v.asText();
    }

    Integer integer(String field, boolean required, int min, int max) {
        JsonNode v = get(field);
        if (v == null) {
            if (required) {
                throw error(pathOf(field), "is required");
            }
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw error(pathOf(field), "must be a whole number");
        }
        int i = v.intValue();
        if (i < min || i > max) {
            throw error(pathOf(field), "must be between " + min + " and " + max + ", got " + i);
        }
        return i;
    }

    boolean bool(String field, boolean defaultValue) {
        JsonNode v = get(field);
        if (v == null) {
            return defaultValue;
        }
        if (!v.isBoolean()) {
            throw error(pathOf(field), "must be true or false");
        }
        return v.booleanValue();
    }

    /** A list of strings; an absent field is an empty list. */
    List<String> strings(String field) {
        JsonNode v = get(field);
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (!v.isArray()) {
            throw error(pathOf(field), "must be a list of strings");
        }
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) {
                throw error(pathOf(field) + "[" + i + "]", "must be a string");
            }
            out.add(v.get(i).asText());
        }
        return out;
    }

    /** A nested object, or null if absent. */
    JsonFields object(String field) {
        JsonNode v = get(field);
        return v == null ? null : new JsonFields(source, pathOf(field), v);
    }

    /** The elements of a list of objects; an absent field is an empty list. */
    List<JsonFields> objects(String field) {
        JsonNode v = get(field);
        List<JsonFields> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (!v.isArray()) {
            throw error(pathOf(field), "must be a list of objects");
        }
        for (int i = 0; i < v.size(); i++) {
            out.add(new JsonFields(source, pathOf(field) + "[" + i + "]", v.get(i)));
        }
        return out;
    }

    void rejectUnknown() {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!read.contains(n)) {
                throw error(pathOf(n), "unknown field");
            }
        }
    }
}
