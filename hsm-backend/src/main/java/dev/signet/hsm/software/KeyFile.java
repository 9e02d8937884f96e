package dev.signet.hsm.software;

import dev.signet.hsm.HsmException;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.KeyOperation;
import dev.signet.hsm.KeyPolicy;
import dev.signet.hsm.KeyPurpose;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.crypto.AEADBadTagException;

/**
 * The on-disk form of one key:
 * {@code MAGIC || u32 headerLength || header || u32 sealedLength || sealed}.
 *
 * <p>The header is plain UTF-8 text (label, algorithm, policy, purpose, created, public key) so an operator
 * can read it; the key material is sealed with AES-256-GCM under the master key, and everything
 * before the sealed part is its associated data. Renaming a file, editing its policy or swapping
 * its public key therefore fails authentication like a flipped ciphertext bit does.
 */
final class KeyFile {

    private static final byte[] MAGIC = "SIGNET-KEY/1\n".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_PART = 64 * 1024;

    /**
     * What a key file says about its key, all of it authenticated. {@code purpose} is null only in
     * files written before key purposes existed (no {@code purpose=} line), until the upgrade
     * rewrites them.
     */
    record Header(String label, KeyAlgorithm algorithm, KeyPolicy policy, KeyPurpose purpose, Instant created,
            byte[] publicKey) {

        Header withPurpose(KeyPurpose p) {
            return new Header(label, algorithm, policy, p, created, publicKey);
        }
    }

    /** A key file opened: its header and the unsealed key material (PKCS#8 or raw AES bytes). */
    record Opened(Header header, byte[] material) {
    }

    private KeyFile() {
    }

    static byte[] seal(Header header, byte[] material, MasterKey master) {
        byte[] text = headerText(header).getBytes(StandardCharsets.UTF_8);
        byte[] aad = ByteBuffer.allocate(MAGIC.length + 4 + text.length).put(MAGIC).putInt(text.length).put(text).array();
        byte[] sealed = master.seal(material, aad);
        return ByteBuffer.allocate(aad.length + 4 + sealed.length).put(aad).putInt(sealed.length).put(sealed).array();
    }

    /**
     * Parses and unseals a key file that should hold the key {@code label}.
     *
     * @throws HsmException.KeyIntegrity naming the key if the file is truncated, altered, sealed
     *     under another passphrase, or belongs to another label
     */
    static Opened open(String label, byte[] file, MasterKey master) {
        ByteBuffer in = ByteBuffer.wrap(file);
        if (file.length < MAGIC.length || !Arrays.equals(file, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw broken(label, file.length < MAGIC.length ? "the file is truncated" : "the file is not a Signet key file");
        }
        in.position(MAGIC.length);
        int headerLength = readLength(label, in);
        byte[] text = readBytes(label, in, headerLength);
        int aadLength = in.position();
        int sealedLength = readLength(label, in);
        byte[] sealed = readBytes(label, in, sealedLength);
        if (in.hasRemaining()) {
            throw broken(label, "the file has " + in.remaining() + " unexpected trailing bytes");
        }
        byte[] material;
        try {
            material = master.open(sealed, Arrays.copyOf(file, aadLength));
        } catch (AEADBadTagException e) {
            throw broken(label, "its sealed data failed authentication (the file was altered or sealed under another passphrase)");
        }
        Header header;
        try {
            header = parseHeader(new String(text, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            Arrays.fill(material, (byte) 0);
            throw broken(label, "its header is malformed (" + e.getMessage() + ")");
        }
        if (!header.label().equals(label)) {
            Arrays.fill(material, (byte) 0);
            throw broken(label, "the file holds the key '" + header.label() + "' (was it renamed?)");
        }
        return new Opened(header, material);
    }

    private static int readLength(String label, ByteBuffer in) {
        if (in.remaining() < 4) {
            throw broken(label, "the file is truncated");
        }
        int n = in.getInt();
        if (n < 0 || n > MAX_PART) {
            throw broken(label, "the file is damaged (a length field is out of range)");
        }
        return n;
    }

    private static byte[] readBytes(String label, ByteBuffer in, int n) {
        if (in.remaining() < n) {
            throw broken(label, "the file is truncated");
        }
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    private static HsmException.KeyIntegrity broken(String label, String why) {
        return new HsmException.KeyIntegrity(label, why);
    }

    private static String headerText(Header h) {
        StringBuilder b = new StringBuilder();
        b.append("label=").append(h.label()).append('\n');
        b.append("algorithm=").append(h.algorithm().name()).append('\n');
        b.append("policy=").append(h.policy().allowed().stream().map(Enum::name).collect(Collectors.joining(","))).append('\n');
        if (h.purpose() != null) {
            b.append("purpose=").append(h.purpose().name()).append('\n');
        }
        b.append("created=").append(h.created()).append('\n');
        if (h.publicKey() != null) {
            b.append("public=").append(Base64.getEncoder().encodeToString(h.publicKey())).append('\n');
        }
        return b.toString();
    }

    private static Header parseHeader(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq <= 0 || fields.put(line.substring(0, eq), line.substring(eq + 1)) != null) {
                throw new IllegalArgumentException("bad line");
            }
        }
        KeyAlgorithm algorithm = KeyAlgorithm.parse(field(fields, "algorithm"));
        Set<KeyOperation> ops = EnumSet.noneOf(KeyOperation.class);
        for (String op : field(fields, "policy").split(",")) {
            ops.add(KeyOperation.valueOf(op));
        }
        String pub = fields.get("public");
        if ((pub == null) != algorithm.isSymmetric()) {
            throw new IllegalArgumentException("public key present for a symmetric key or missing for an asymmetric one");
        }
        String purpose = fields.get("purpose");
        return new Header(field(fields, "label"), algorithm, new KeyPolicy(ops), purpose == null ? null : KeyPurpose.parse(purpose),
                Instant.parse(field(fields, "created")), pub == null ? null : Base64.getDecoder().decode(pub));
    }

    private static String field(Map<String, String> fields, String name) {
        String v = fields.get(name);
        if (v == null) {
            throw new IllegalArgumentException("missing " + name);
        }
        return v;
    }
}
