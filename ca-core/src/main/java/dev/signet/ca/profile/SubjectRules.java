package dev.signet.ca.profile;

import java.util.Set;

/**
 * Which subject DN attributes a certificate may carry and which it must, by short name
 * ({@code CN}, {@code O}, {@code OU}, {@code C}, {@code L}, {@code ST}, {@code E}, {@code SERIALNUMBER}...).
 */
public record SubjectRules(Set<String> allowed, Set<String> required) {

    public SubjectRules {
        allowed = Set.copyOf(allowed);
        required = Set.copyOf(required);
    }
}
