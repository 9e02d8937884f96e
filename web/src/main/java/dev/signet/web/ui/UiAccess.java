package dev.signet.web.ui;

import dev.signet.web.auth.Role;
import java.util.EnumSet;
import java.util.Set;

/** Which roles may open which pages: the same least-privilege split as the API's routes table. */
final class UiAccess {

    /** CAs, profiles and certificates (read). */
    static final Set<Role> READ = EnumSet.of(Role.ADMIN, Role.OFFICER, Role.AUDITOR);
    /** Issuing certificates and creating signer identities. */
    static final Set<Role> OFFICER = EnumSet.of(Role.OFFICER);
    /** Revoking and releasing certificates (CA certificates: admins only, checked by the CA core). */
    static final Set<Role> REVOKE = EnumSet.of(Role.OFFICER, Role.ADMIN);
    /** Signing documents with the identities granted to the user. */
    static final Set<Role> SIGN = EnumSet.of(Role.SIGNER);
    /** The audit log. */
    static final Set<Role> AUDIT = EnumSet.of(Role.AUDITOR, Role.ADMIN);
    /** Users and tokens. */
    static final Set<Role> ADMIN = EnumSet.of(Role.ADMIN);
    /** Anyone logged in. */
    static final Set<Role> ANY = EnumSet.allOf(Role.class);

    private UiAccess() {}
}
