package dev.signet.web;

import dev.signet.ca.CertificateAuthorities;
import dev.signet.ca.audit.AuditSigner;
import dev.signet.ca.profile.ProfileException;
import dev.signet.ca.profile.Profiles;
import dev.signet.ca.store.AccessStore;
import dev.signet.ca.store.AuditLog;
import dev.signet.ca.store.CaStore;
import dev.signet.ca.store.CertificateStore;
import dev.signet.ca.store.Database;
import dev.signet.ca.store.SecurityEvents;
import dev.signet.ca.store.StoreSettings;
import dev.signet.hsm.Hsm;
import dev.signet.hsm.Hsms;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.KeyHandle;
import dev.signet.hsm.KeyPolicy;
import dev.signet.web.config.ConfigException;
import dev.signet.web.config.SignetConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;

/**
 * The opened back end of one Signet process: the HSM (metered), the database and its stores.
 * Opened from the configuration, closed in reverse order (database first, so its final audit
 * checkpoint can still be signed, then the HSM).
 */
public final class Services implements AutoCloseable {

    /** The HSM key that signs audit checkpoints. */
    static final String AUDIT_KEY_LABEL = "signet-audit";
    /** Sign a checkpoint every this many audit entries (and on close). */
    static final int CHECKPOINT_INTERVAL = 100;

    private final SignetConfig config;
    private final PrometheusMeterRegistry metrics;
    private final Hsm hsm;
    private final Database database;
    private final CaStore cas;
    private final CertificateStore certificates;
    private final AccessStore access;
    private final AuditLog auditLog;
    private final SecurityEvents securityEvents;
    private final CertificateAuthorities authorities;

    private Services(SignetConfig config, Profiles profiles, PrometheusMeterRegistry metrics, Hsm hsm, Database database) {
        this.config = config;
        this.metrics = metrics;
        this.hsm = hsm;
        this.database = database;
        this.cas = new CaStore(database);
        this.certificates = new CertificateStore(database);
        this.access = new AccessStore(database);
        this.auditLog = new AuditLog(database);
        this.securityEvents = new SecurityEvents(database);
        this.authorities = new CertificateAuthorities(hsm, cas, certificates, profiles, Clock.systemUTC());
    }

    /** Opens the HSM and the database described by {@code config}, creating the data directory. */
    public static Services open(SignetConfig config) {
        // Before anything is opened: a profile with a mistake stops the start, naming file and field.
        Profiles profiles;
        try {
            profiles = Profiles.load(config.profilesDir());
        } catch (ProfileException e) {
            throw new ConfigException("profiles.dir", e.getMessage());
        }
        try {
            Files.createDirectories(config.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + config.dataDir(), e);
        }
        if (config.hsm().generatedPassphraseFile() != null) {
            PassphraseFile.ensure(config.hsm().generatedPassphraseFile());
        }
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Hsm hsm = new MeteredHsm(Hsms.open(config.hsm().config()), metrics);
        try {
            KeyHandle auditKey = hsm.find(AUDIT_KEY_LABEL)
                    .orElseGet(() -> hsm.generate(AUDIT_KEY_LABEL, KeyAlgorithm.EC_P256, KeyPolicy.signOnly()));
            StoreSettings settings = StoreSettings.defaults()
                    .withAuditSigner(new AuditSigner(hsm, auditKey), CHECKPOINT_INTERVAL);
            Database db = Database.open(config.databaseFile(), settings);
            return new Services(config, profiles, metrics, hsm, db);
        } catch (RuntimeException e) {
            hsm.close();
            throw e;
        }
    }

    public SignetConfig config() {
        return config;
    }

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    public Hsm hsm() {
        return hsm;
    }

    public Database database() {
        return database;
    }

    public CaStore cas() {
        return cas;
    }

    public CertificateStore certificates() {
        return certificates;
    }

    public AccessStore access() {
        return access;
    }

    public AuditLog auditLog() {
        return auditLog;
    }

    public SecurityEvents securityEvents() {
        return securityEvents;
    }

    /** The CA facade: CAs, profiles, issuance, signer identities. */
    public CertificateAuthorities authorities() {
        return authorities;
    }

    private PdfValidationService pdfValidation;

    /** PDF validation (issue 13): policy from the data directory, Signet's CAs as trust anchors. */
    public synchronized PdfValidationService pdfValidation() {
        if (pdfValidation == null) pdfValidation = new PdfValidationService(config.dataDir(), authorities);
        return pdfValidation;
    }

    @Override
    public void close() {
        try {
            database.close();
        } finally {
            hsm.close();
        }
    }
}
