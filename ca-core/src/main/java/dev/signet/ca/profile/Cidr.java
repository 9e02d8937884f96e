package dev.signet.ca.profile;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IP address block, encoded as RFC 5280 4.2.1.10 wants it in name constraints: address then mask. */
public record Cidr(byte[] address, int prefix) {

    /** Parses {@code 10.0.0.0/8} or {@code fd00::/8}; null if it is not a literal address block. */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            return null;
        }
        String addr = text.substring(0, slash);
        // Only literals: InetAddress.getByName would otherwise resolve host names.
        if (!addr.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return null;
        }
        int prefix;
        try {
            prefix = Integer.parseInt(text.substring(slash + 1));
            byte[] bytes = InetAddress.getByName(addr).getAddress();
            if (prefix < 0 || prefix > bytes.length * 8) {
                return null;
            }
            return new Cidr(bytes, prefix);
        } catch (NumberFormatException | UnknownHostException e) {
            return null;
        }
    }

    /** address || mask, the iPAddress GeneralName form inside name constraints. */
    public byte[] encoded() {
        byte[] out = new byte[address.length * 2];
        for (int i = 0; i < address.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            byte mask = (byte) (0xff << (8 - bits));
            out[address.length + i] = bits == 0 ? 0 : mask;
            out[i] = (byte) (address[i] & out[address.length + i]);
        }
        return out;
    }
}
