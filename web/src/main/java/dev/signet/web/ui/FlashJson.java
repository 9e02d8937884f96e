package dev.signet.web.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Optional;

/**
 * A {@link Flash} as JSON and back, written out field by field: each kind names its fields, and
 * anything else read back is no flash at all.
 */
final class FlashJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private FlashJson() {}

    /** The flash as UTF-8 JSON, to be sealed. */
    static byte[] encode(Flash flash) {
        ObjectNode n = JSON.createObjectNode();
        if (flash instanceof Flash.Notice x) {
            n.put("kind", "notice").put("caId", x.caId()).put("serial", x.serial()).put("issued", x.issued())
                    .put("identity", x.identity()).put("renewedFrom", x.renewedFrom());
        } else if (flash instanceof Flash.CreatedUser x) {
            n.put("kind", "user").put("username", x.username()).put("password", x.password());
        } else if (flash instanceof Flash.CreatedToken x) {
            AdminController.TokenRow t = x.token();
            n.put("kind", "token").put("id", t.id()).put("name", t.name()).put("role", t.role()).put("created", t.created())
                    .put("expires", t.expires()).put("revoked", t.revoked()).put("secret", x.secret());
        }
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /** The flash {@link #encode} wrote; empty for anything else. */
    static Optional<Flash> decode(byte[] json) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (n == null || !n.isObject()) {
            return Optional.empty();
        }
        String kind = text(n, "kind");
        if ("notice".equals(kind)) {
            return Optional.of(new Flash.Notice(text(n, "caId"), text(n, "serial"), n.path("issued").asBoolean(false),
                    text(n, "identity"), text(n, "renewedFrom")));
        }
        if ("user".equals(kind)) {
            return Optional.of(new Flash.CreatedUser(text(n, "username"), text(n, "password")));
        }
        if ("token".equals(kind)) {
            return Optional.of(new Flash.CreatedToken(new AdminController.TokenRow(text(n, "id"), text(n, "name"), text(n, "role"),
                    text(n, "created"), text(n, "expires"), text(n, "revoked")), text(n, "secret")));
        }
        return Optional.empty();
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || !v.isTextual() ? null : v.textValue();
    }
}
