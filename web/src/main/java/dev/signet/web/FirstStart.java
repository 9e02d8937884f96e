package dev.signet.web;

import dev.signet.ca.AuditQuery;
import dev.signet.ca.CaInfo;
import dev.signet.ca.CertificateAuthorities;
import dev.signet.ca.CaException;
import dev.signet.ca.NewCa;
import dev.signet.ca.TimeStampAuthorities;
import dev.signet.ca.TsaInfo;
import dev.signet.ca.Accounts;
import dev.signet.ca.IssuedToken;
import dev.signet.ca.Storage;
import dev.signet.ca.UserRecord;
import dev.signet.web.auth.Passwords;
import dev.signet.web.config.SignetConfig;
import dev.signet.hsm.KeyAlgorithm;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What a fresh data directory gets so that it is usable at once: a root CA, an issuing CA below
 * it, an administrator API token, and two UI users with random passwords: an administrator
 * ({@value #ADMIN_USER}) and an officer ({@value #OFFICER_USER}), who can issue at once; all printed once. A later start finds them and creates nothing.
 */
public final class FirstStart {

    static final String ACTOR = "system:first-start";
    /** The UI user a first start creates. */
    public static final String ADMIN_USER = "admin";
    /** The UI user a first start creates to issue certificates. */
    public static final String OFFICER_USER = "officer";

    /** The CAs a first start creates; the defaults are clearly labelled demo CAs. */
    public record Plan(String rootName, String issuingName, KeyAlgorithm keyAlgorithm) {

        public static final Plan DEMO = new Plan("Signet Demo Root CA", "Signet Demo Issuing CA", KeyAlgorithm.EC_P256);
    }

    private FirstStart() {}

    /**
     * The configured TSAs the store does not hold yet (on a first start, the demo TSA under the demo
     * issuing CA). One without its own {@code ca} setting is certified by the issuing CA made now or,
     * on a later start, by the active CA named like the plan's issuing CA.
     */
    private static void createTimeStampAuthorities(Services s, Plan plan, String issuingCaId, PrintStream console) {
        TimeStampAuthorities tsas = s.timeStampAuthorities();
        String defaultCa = issuingCaId;
        if (defaultCa == null) {
            defaultCa = s.authorities().list().stream()
                    .filter(c -> c.name().equals(plan.issuingName()) && "active".equals(c.status()))
                    .map(CaInfo::id).findFirst().orElse(null);
        }
        List<String> before = tsas.list().stream().map(TsaInfo::name).toList();
        try {
            tsas.createMissing(defaultCa, ACTOR);
        } catch (CaException e) {
            console.println("Time-stamp authorities not created: " + e.getMessage() + " (set tsa.ca in the configuration).");
        }
        for (TsaInfo t : tsas.list()) {
            if (!before.contains(t.name())) {
                console.println("Created time-stamp authority '" + t.name() + "' at " + s.config().publicBaseUrl() + t.path()
                        + (t.csrPem() != null ? " (pending: give its CSR to the external CA, GET /api/v1/tsas/" + t.name() + ")"
                        : " (policy " + t.policyOid() + ")."));
            }
        }
    }

    /**
     * Opens the services of {@code config} and completes a first start, under the database's start
     * lock: of several nodes starting at once on an empty database, one creates the audit key, the
     * CAs and the admin token, and the others wait and find them.
     */
    public static Services openAndRun(SignetConfig config, Plan plan, PrintStream console) {
        return Storage.underStartLock(config.database(), () -> {
            Services s = Services.open(config);
            try {
                run(s, plan, console);
                return s;
            } catch (RuntimeException e) {
                s.close();
                throw e;
            }
        });
    }

    /**
     * Whether {@code ca} is the plan's root as a first start began it and never finished: pending,
     * without certificate or parent, and created by a first start as a root (a CA waiting for an
     * outside parent has the same record, but its audited creation says so).
     */
    private static boolean unfinishedRoot(Services s, CaInfo ca, Plan plan) {
        if (!"pending".equals(ca.status()) || ca.parentId() != null || ca.certificatePem() != null
                || !ca.name().equals(plan.rootName())) {
            return false;
        }
        return s.auditLog().list(AuditQuery.forObject("ca", ca.id(), 10)).items().stream()
                .anyMatch(e -> "ca.create".equals(e.action()) && ACTOR.equals(e.actor())
                        && e.details().contains("\"type\":\"root\""));
    }

    /** Creates what is missing; prints what it created (the admin token once) to {@code console}. */
    public static void run(Services s, Plan plan, PrintStream console) {
        CertificateAuthorities cas = s.authorities();
        String issuingCaId = null;
        List<CaInfo> existing = cas.list();
        if (existing.size() == 1 && unfinishedRoot(s, existing.get(0), plan)) {
            // An earlier first start stopped while making its root: left alone, this start would
            // find "a CA" and make none, and the node would have no CA that can issue.
            cas.discardUnfinishedRoot(existing.get(0).id(), ACTOR);
            console.println("The root CA '" + existing.get(0).name() + "' of an earlier first start that did not finish"
                    + " was removed; it is made again.");
            existing = List.of();
        }
        if (existing.isEmpty()) {
            String baseUrl = s.config().publicBaseUrl().toString();
            CaInfo root = cas.createRoot(new NewCa(plan.rootName(), "CN=" + plan.rootName() + ",O=Signet",
                    plan.keyAlgorithm(), Duration.ofDays(3650), 1, baseUrl), ACTOR);
            CaInfo issuing = cas.createSubordinate(root.id(), new NewCa(plan.issuingName(),
                    "CN=" + plan.issuingName() + ",O=Signet", plan.keyAlgorithm(), null, null, baseUrl), null, ACTOR);
            console.println("Created root CA '" + root.name() + "' (id " + root.id() + ") and issuing CA '"
                    + issuing.name() + "' (id " + issuing.id() + ").");
            issuingCaId = issuing.id();
        }
        createTimeStampAuthorities(s, plan, issuingCaId, console);
        Accounts access = s.access();
        boolean hasAdmin = access.listTokens().stream().anyMatch(t -> "admin".equals(t.role()) && t.revoked() == null);
        if (!hasAdmin) {
            IssuedToken admin = access.createToken("first-start admin", "admin", Set.of(), null, ACTOR);
            console.println();
            console.println("An administrator API token was created. It is shown this once; store it now:");
            console.println();
            console.println("    " + admin.secret());
            console.println();
            console.println("Try: curl -H 'Authorization: Bearer <token>' " + s.config().publicBaseUrl() + "/api/v1/cas");
            console.println();
        }
        if (access.listUsers().isEmpty()) {
            // Two people, because no role does everything: the admin manages users and tokens, the
            // officer issues. A newcomer can issue a certificate in the UI at once, as the officer.
            String adminPassword = Passwords.generate();
            String officerPassword = Passwords.generate();
            access.createUser(new UserRecord(ADMIN_USER, Passwords.hash(adminPassword), "admin", Instant.now(), false), ACTOR);
            access.createUser(new UserRecord(OFFICER_USER, Passwords.hash(officerPassword), "officer", Instant.now(), false),
                    ACTOR);
            console.println("Two web UI users were created. Their passwords are shown this once; store them now:");
            console.println();
            console.println("    user:     " + ADMIN_USER + "      (role admin: users, API tokens, CAs)");
            console.println("    password: " + adminPassword);
            console.println();
            console.println("    user:     " + OFFICER_USER + "    (role officer: issues certificates)");
            console.println("    password: " + officerPassword);
            console.println();
            console.println("Log in at " + s.config().publicBaseUrl() + "/ui (as " + OFFICER_USER + " to issue a certificate)");
            console.println();
        }
        console.flush();
    }
}
