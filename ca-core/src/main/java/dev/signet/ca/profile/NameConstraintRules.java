package dev.signet.ca.profile;

import java.util.List;

/**
 * Name constraints (RFC 5280 4.2.1.10) a sub-CA certificate carries. DNS entries are domain names
 * ({@code example.com} also covers its subdomains), IP entries CIDR blocks ({@code 10.0.0.0/8}),
 * email entries a mailbox, a host or a {@code .domain}.
 */
public record NameConstraintRules(List<String> permittedDns, List<String> excludedDns,
        List<String> permittedIp, List<String> excludedIp,
        List<String> permittedEmail, List<String> excludedEmail) {

    public NameConstraintRules {
        permittedDns = List.copyOf(permittedDns);
        excludedDns = List.copyOf(excludedDns);
        permittedIp = List.copyOf(permittedIp);
        excludedIp = List.copyOf(excludedIp);
        permittedEmail = List.copyOf(permittedEmail);
        excludedEmail = List.copyOf(excludedEmail);
    }

    public boolean isEmpty() {
        return permittedDns.isEmpty() && excludedDns.isEmpty() && permittedIp.isEmpty()
                && excludedIp.isEmpty() && permittedEmail.isEmpty() && excludedEmail.isEmpty();
    }
}
