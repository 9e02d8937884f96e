package dev.signet.web;

import dev.signet.ca.Accounts;
import dev.signet.ca.AuditTrail;
import dev.signet.ca.CertificateAuthorities;
import dev.signet.ca.Storage;
import dev.signet.ca.UiSessions;
import dev.signet.ca.TimeStamp;
import dev.signet.ca.TimeStampAuthorities;
import dev.signet.ca.TimeStampSource;
import dev.signet.ca.TsaReply;
import dev.signet.ca.TsaSettings;
import dev.signet.ca.TsaTimeSource;
import dev.signet.ca.DataKeys;
import dev.signet.ca.Revocations;
import dev.signet.ca.AuditExpectations;
import dev.signet.ca.AuditVerification;
import dev.signet.ca.ProfileException;
import dev.signet.ca.Profiles;
import dev.signet.ca.AuditEvent;
import dev.signet.hsm.DataCipher;
import dev.signet.hsm.EncryptionKeys;
import dev.signet.hsm.Hsm;
import dev.signet.hsm.Hsms;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.KeyPurpose;
import dev.signet.hsm.ScopedSigner;
import dev.signet.hsm.SigningKeys;
import dev.signet.signing.CadesSigner;
import dev.signet.signing.PdfSigner;
import dev.signet.signing.RevocationSource;
import dev.signet.signing.TimestampSource;
import dev.signet.web.api.TsaMetrics;
import dev.signet.web.auth.AnonymousRefusals;
import dev.signet.web.config.ConfigException;
import dev.signet.web.config.SignetConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The opened back end of one Signet process: the HSM (metered), the database and its stores.
 * Opened from the configuration, closed in reverse order (database first, so its final audit
 * checkpoint can still be signed, then the HSM).
 *
 * <p>The composition root for keys: this is the only place that holds the {@link Hsm}. Everything
 * else gets keys of one purpose ({@link #signingKeys}, {@link #encryptionKeys}) or a signer scoped
 * to one key; the CA core gets the CA and DOCUMENT keys, the audit log the AUDIT key. Opening also
 * upgrades a key store made before key purposes ({@link KeyPurposeUpgrade}), auditing each key.
 */
public final class Services implements AutoCloseable {

    /** The HSM key that signs audit checkpoints. */
    public static final String AUDIT_KEY_LABEL = "signet-audit";
    /**
     * The HSM key (AES-256, purpose DATA_ENCRYPTION) that seals what the UI shows once, such as a new
     * token's secret, while it waits in the database for the next page; made on the first start.
     */
    public static final String UI_FLASH_KEY_LABEL = "signet-ui-flash";
    /** Sign a checkpoint every this many audit entries (and on close). */
    public static final int CHECKPOINT_INTERVAL = 100;
    private static final Logger LOG = LoggerFactory.getLogger(Services.class);

    private final SignetConfig config;
    private final PrometheusMeterRegistry metrics;
    private final Hsm hsm;
    private final Storage database;
    private final Accounts access;
    private final AuditTrail auditTrail;
    private final UiSessions uiSessions;
    private final CertificateAuthorities authorities;
    private final DataKeys dataKeys;
    private final ScheduledExecutorService dataKeyJobs;
    /** Fetches the external CAs' CRLs: on a thread of its own, as it waits on the network. */
    private final ScheduledExecutorService tsaCrlChecks;
    private final Revocations revocations;
    private final KeyInventory keys;
    private final DocumentSigners documentSigners;
    private final PdfSigner pdfSigner;
    private final CadesSigner cadesSigner;
    private final Path signingWorkDir;
    private final TimeStampAuthorities timeStampAuthorities;
    private final TimeStampSource timeStamps;
    private final AnonymousRefusals anonymousRefusals;
    private final ChangeWatcher changeWatcher;
    private final NtpTimeSource ntp;

    private Services(SignetConfig config, Profiles profiles, PrometheusMeterRegistry metrics, Hsm hsm, Storage database) {
        this.config = config;
        this.metrics = metrics;
        this.hsm = hsm;
        this.database = database;
        this.access = new Accounts(database);
        this.auditTrail = new AuditTrail(database);
        this.uiSessions = new UiSessions(database);
        // Counted where issuance happens, so the API, the UI and signer identities are all counted.
        this.authorities = new CertificateAuthorities(hsm.signingKeys(KeyPurpose.CA), hsm.signingKeys(KeyPurpose.DOCUMENT),
                database, profiles, Clock.systemUTC(),
                issued -> Counter.builder("signet.certificates.issued").description("Certificates issued")
                        .tag("profile", issued.profile()).register(metrics).increment());
        // CRLs are signed by each CA's scoped signer; OCSP responses by delegated responder keys (purpose OCSP).
        this.revocations = new Revocations(authorities, database,
                hsm.signingKeys(KeyPurpose.CA), hsm.signingKeys(KeyPurpose.OCSP), config.revocation(), Clock.systemUTC());
        this.keys = new KeyInventory(hsm, authorities);
        // A read-only node serves no TSA, so it asks no NTP server either.
        this.ntp = config.tsa().timeSource().ntp() && !database.readOnly()
                ? new NtpTimeSource(config.tsa().timeSource(), auditTrail::record, metrics) : null;
        this.timeStampAuthorities = new TimeStampAuthorities(hsm.signingKeys(KeyPurpose.TIMESTAMPING), hsm.backendName(),
                authorities, database, config.tsa().authorities(), Clock.systemUTC(),
                ntp != null ? ntp : TsaTimeSource.SYSTEM);
        // A revoke or release (here before it returns; elsewhere when the OCSP poll sees it) can stop a TSA.
        revocations.afterChange(timeStampAuthorities::refresh);
        this.timeStamps = config.tsa().externalUrl() != null
                ? TimeStampSource.external(config.tsa().externalUrl(), config.tsa().externalTimeout())
                : metered(timeStampAuthorities.builtIn(TsaSettings.DEFAULT, TIME_STAMP_REQUESTER), new TsaMetrics(metrics));
        this.documentSigners = new DocumentSigners(authorities);
        try {
            // One private directory per process for uploads and intermediate files; removed on close.
            this.signingWorkDir = Files.createTempDirectory("signet-signing-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for document signing", e);
        }
        // PAdES B-T/B-LTA and CAdES B-T take their time-stamps from the TSA Signet uses itself: the
        // built-in one, or the external TSA named by tsa.externalUrl.
        TimestampSource timestamps = new DocumentTimestamps(timeStamps);
        SignetRevocationData revocationData = new SignetRevocationData(authorities, revocations);
        this.pdfSigner = new PdfSigner(timestamps, revocationData, signingWorkDir, Clock.systemUTC());
        this.cadesSigner = new CadesSigner(timestamps, revocationData);
        this.anonymousRefusals = new AnonymousRefusals(auditTrail, metrics, Clock.systemUTC());
        this.dataKeys = new DataKeys(hsm.encryptionKeys(), database, Clock.systemUTC());
        this.dataKeyJobs = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "signet-data-key-jobs");
            t.setDaemon(true);
            return t;
        });
        // Use is audited per key, caller and minute; destruction runs once its waiting period is over.
        // A read-only node serves no data keys and writes nothing, so it runs neither.
        if (!database.readOnly()) dataKeyJobs.scheduleWithFixedDelay(this::dataKeyJobs, DATA_KEY_JOB_SECONDS, DATA_KEY_JOB_SECONDS, TimeUnit.SECONDS);
        // TSA certificates are re-keyed with a third of their life left, as OCSP responders roll over.
        if (!database.readOnly()) dataKeyJobs.scheduleWithFixedDelay(this::tsaRollOver, TSA_ROLL_OVER_MINUTES, TSA_ROLL_OVER_MINUTES, TimeUnit.MINUTES);
        // A TSA certified by an external CA follows that CA's CRL: checked at start, then every few minutes.
        this.tsaCrlChecks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "signet-tsa-crl-checks");
            t.setDaemon(true);
            return t;
        });
        if (!database.readOnly()) {
            for (TsaSettings s : config.tsa().authorities()) {
                if (s.externalCa()) {
                    Gauge.builder("signet.tsa.external.revocation.checked", timeStampAuthorities,
                            t -> t.externalRevocationCheckedAt(s.name()).map(i -> i.getEpochSecond()).orElse(0L).doubleValue())
                            .description("When the external CA's CRL last verified for this TSA (epoch seconds, 0: never on this node)")
                            .baseUnit("seconds").tag("tsa", s.name()).register(metrics);
                    FunctionCounter.builder("signet.tsa.external.revocation.failures", timeStampAuthorities,
                            t -> t.externalRevocationFailures(s.name()))
                            .description("Checks of the external CA's CRL that could not fetch or verify it").tag("tsa", s.name())
                            .register(metrics);
                }
            }
            if (config.tsa().authorities().stream().anyMatch(TsaSettings::externalCa)) {
                tsaCrlChecks.scheduleWithFixedDelay(this::tsaExternalRevocations, 0, TSA_EXTERNAL_CRL_MINUTES, TimeUnit.MINUTES);
            }
        }
        // TSA rejections are audited per TSA, reason and minute (the replies only count them).
        if (!database.readOnly()) {
            dataKeyJobs.scheduleWithFixedDelay(this::auditTsaRejections, TSA_REJECTION_AUDIT_SECONDS, TSA_REJECTION_AUDIT_SECONDS, TimeUnit.SECONDS);
        }
        // Data-key settings and grants are cached for a second only, so they need no topic here.
        this.changeWatcher = new ChangeWatcher(database)
                .on(Storage.TOPIC_CAS, () -> {
                    authorities.forgetIssuers();
                    timeStampAuthorities.refresh(); // a retired CA stops the TSAs it certified
                })
                .on(Storage.TOPIC_TSAS, timeStampAuthorities::refresh)
                .on(Storage.TOPIC_TOKENS, access::dropCachedTokens)
                .on(Storage.TOPIC_PROFILES, this::reloadProfiles);
    }

    /** Another node reloaded its profile directory: this node reads its own again (all or nothing). */
    private void reloadProfiles() {
        try {
            authorities.useProfiles(Profiles.load(config.profilesDir()));
            LOG.info("profiles reloaded after a reload on another node");
        } catch (ProfileException e) {
            LOG.warn("another node reloaded its profiles, but this node's directory has a mistake; the current ones stay "
                    + "in use: {}", e.getMessage());
        }
    }

    /**
     * Starts following the changes other nodes make to what this one caches (CAs, profiles, API
     * tokens). {@link SignetServer} calls it once the first start is complete.
     */
    public void watchOtherNodes() {
        changeWatcher.start();
        if (ntp != null) {
            ntp.start();
        }
    }

    /** How often the CRL of each TSA an external CA certified is fetched and checked. */
    static final long TSA_EXTERNAL_CRL_MINUTES = 10;

    private void tsaExternalRevocations() {
        try {
            timeStampAuthorities.checkExternalRevocations();
        } catch (RuntimeException e) {
            LOG.warn("the external TSA revocation check failed (retried in {} min): {}", TSA_EXTERNAL_CRL_MINUTES, e.toString());
        }
    }

    /** How often the TSAs' certificates are checked for a roll-over. */
    static final long TSA_ROLL_OVER_MINUTES = 10;

    private void tsaRollOver() {
        try {
            timeStampAuthorities.rollOverDue("signet");
        } catch (RuntimeException e) {
            LOG.warn("TSA roll-over check failed (retried in {} min): {}", TSA_ROLL_OVER_MINUTES, e.toString());
        }
    }

    /** How often the TSAs' rejections are written to the audit log (one entry per TSA and reason). */
    static final long TSA_REJECTION_AUDIT_SECONDS = 60;

    private void auditTsaRejections() {
        try {
            timeStampAuthorities.auditRejections();
        } catch (RuntimeException e) {
            LOG.warn("auditing TSA rejections failed (retried in {} s): {}", TSA_REJECTION_AUDIT_SECONDS, e.toString());
        }
    }

    /** How often data-key use is written to the audit log and due destructions are carried out. */
    static final long DATA_KEY_JOB_SECONDS = 60;

    private void dataKeyJobs() {
        try {
            dataKeys.flushUsage();
            dataKeys.destroyDue();
        } catch (RuntimeException e) {
            LOG.warn("data-key jobs failed (retried in {} s): {}", DATA_KEY_JOB_SECONDS, e.toString());
        }
    }

    private static Profiles loadProfiles(SignetConfig config) {
        try {
            return Profiles.load(config.profilesDir());
        } catch (ProfileException e) {
            throw new ConfigException("profiles.dir", e.getMessage());
        }
    }

    /**
     * Opens a read-only node (a responder, {@code serve --responder}): the HSM, and the database
     * with read-only access, which a full node of this version made and migrated. Nothing is
     * created: not the audit key, not the data directory's database, not a key purpose.
     */
    public static Services openResponder(SignetConfig config) {
        Profiles profiles = loadProfiles(config);
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Hsm hsm = new MeteredHsm(Hsms.open(config.hsm().config()), metrics);
        try {
            ScopedSigner auditKey = hsm.signingKeys(KeyPurpose.AUDIT).find(AUDIT_KEY_LABEL).orElseThrow(() ->
                    new IllegalStateException("the HSM has no audit key '" + AUDIT_KEY_LABEL + "': a read-only node shares "
                            + "the HSM of the full nodes, and one of them must have started first"));
            Storage db = Storage.openReadOnly(config.database());
            try {
                db.bindToHsm(fingerprint(auditKey), hsm.backendName());
                return new Services(config, profiles, metrics, hsm, db);
            } catch (RuntimeException e) {
                db.close();
                throw e;
            }
        } catch (RuntimeException e) {
            hsm.close();
            throw e;
        }
    }

    /** Opens the HSM and the database described by {@code config}, creating the data directory. */
    public static Services open(SignetConfig config) {
        // Before anything is opened: a profile with a mistake stops the start, naming file and field.
        Profiles profiles = loadProfiles(config);
        try {
            // 0700, repaired if an older version (or an operator) left it open to others.
            Storage.createPrivateDirectory(config.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + config.dataDir(), e);
        }
        if (config.hsm().generatedPassphraseFile() != null) {
            PassphraseFile.ensure(config.hsm().generatedPassphraseFile());
        }
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Hsm hsm = new MeteredHsm(Hsms.open(config.hsm().config()), metrics);
        try {
            // The audit key signs the database's checkpoints, so an old one is upgraded before the database opens.
            List<KeyPurposeUpgrade.Assigned> upgraded = new ArrayList<>(
                    KeyPurposeUpgrade.one(hsm, AUDIT_KEY_LABEL, KeyPurpose.AUDIT));
            SigningKeys auditKeys = hsm.signingKeys(KeyPurpose.AUDIT);
            ScopedSigner auditKey = auditKeys.find(AUDIT_KEY_LABEL)
                    .orElseGet(() -> auditKeys.generate(AUDIT_KEY_LABEL, KeyAlgorithm.EC_P256));
            upgraded.addAll(KeyPurposeUpgrade.one(hsm, UI_FLASH_KEY_LABEL, KeyPurpose.DATA_ENCRYPTION));
            // Made here, under the start lock when serving, so that nodes starting together make one.
            EncryptionKeys sealing = hsm.encryptionKeys();
            if (sealing.find(UI_FLASH_KEY_LABEL).isEmpty()) {
                sealing.generate(UI_FLASH_KEY_LABEL);
            }
            Storage db = Storage.open(config.database(), auditKeys, auditKey, CHECKPOINT_INTERVAL);
            try {
                db.bindToHsm(fingerprint(auditKey), hsm.backendName());
            } catch (RuntimeException e) {
                db.close();
                throw e;
            }
            Services services = new Services(config, profiles, metrics, hsm, db);
            try {
                upgraded.addAll(KeyPurposeUpgrade.all(hsm, services.authorities.caIdsByKeyLabel().keySet()));
                for (KeyPurposeUpgrade.Assigned a : upgraded) {
                    services.auditTrail.record(AuditEvent.of("system:upgrade", "key.purpose-assigned", "key", a.label(),
                            Map.of("purpose", a.purpose().name())));
                }
            } catch (RuntimeException e) {
                services.database.close();
                throw e;
            }
            return services;
        } catch (RuntimeException e) {
            hsm.close();
            throw e;
        }
    }

    /** The SHA-256 of the key's public key (SubjectPublicKeyInfo), in hex: names one HSM's audit key. */
    private static String fingerprint(ScopedSigner key) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(key.publicKey().getEncoded()));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * Verifies the audit chain of {@code config}'s database against the HSM's audit key, with the
     * database opened without a signer: verifying signs and writes nothing (a verify that signed the
     * head on close would bless whatever it had just read).
     */
    public static AuditVerification verifyAudit(SignetConfig config, AuditExpectations rules) {
        requireExistingDatabase(config);
        try (Hsm hsm = Hsms.open(config.hsm().config())) {
            SigningKeys auditKeys = hsm.signingKeys(KeyPurpose.AUDIT);
            ScopedSigner auditKey = auditKeys.find(AUDIT_KEY_LABEL).orElseThrow(() -> new IllegalStateException(
                    "the HSM has no audit key '" + AUDIT_KEY_LABEL + "' (run serve or init first)"));
            try (Storage db = Storage.openWithoutAuditKey(config.database())) {
                return new AuditTrail(db).verify(auditKeys, auditKey, rules);
            }
        }
    }

    /**
     * Opens the database of an existing installation, without an audit key (for the commands that
     * change one record). A SQLite file must exist already: a typo in {@code --data} must not
     * create an empty CA. PostgreSQL databases are created by their administrator.
     */
    public static Storage openExistingDatabase(SignetConfig config) {
        requireExistingDatabase(config);
        return Storage.openWithoutAuditKey(config.database());
    }

    private static void requireExistingDatabase(SignetConfig config) {
        if (config.databaseFile() != null && !java.nio.file.Files.isRegularFile(config.databaseFile())) {
            throw new IllegalStateException("no Signet database at " + config.databaseFile()
                    + " (run serve or init on that data directory first)");
        }
    }

    public SignetConfig config() {
        return config;
    }

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    /** The HSM itself: for this package's wiring and tests only, never handed to a module. */
    Hsm hsm() {
        return hsm;
    }

    /** The keys of one signing purpose (a TSA gets TIMESTAMPING, an OCSP responder OCSP, ...). */
    public SigningKeys signingKeys(KeyPurpose purpose) {
        return hsm.signingKeys(purpose);
    }

    /** The key that seals the UI's once-shown values in the database ({@link #UI_FLASH_KEY_LABEL}). */
    public DataCipher uiFlashKey() {
        return hsm.encryptionKeys().find(UI_FLASH_KEY_LABEL).orElseThrow(() -> new IllegalStateException(
                "the HSM has no key '" + UI_FLASH_KEY_LABEL + "': a full node makes it when it starts"));
    }

    /** The DATA_ENCRYPTION keys. */
    public EncryptionKeys encryptionKeys() {
        return hsm.encryptionKeys();
    }

    /** The key list with purposes and owners, for the API, the UI and {@code keys list}. */
    public KeyInventory keys() {
        return keys;
    }

    /** The HSM backend's name ({@code software}, {@code pkcs11}). */
    public String hsmBackend() {
        return hsm.backendName();
    }

    /** This node's database: health, shared keys, the change generations other nodes follow. */
    public Storage database() {
        return database;
    }

    /** API tokens and UI users (one instance: it caches token lookups). */
    public Accounts access() {
        return access;
    }

    /** The audit trail: events that change no stored data (refusals, logins) are recorded here; reading, verifying. */
    public AuditTrail auditLog() {
        return auditTrail;
    }

    /** The web UI's sessions, their flashes and the failed logins, shared by every node on this database. */
    public UiSessions uiSessions() {
        return uiSessions;
    }

    /** The time-stamp authorities: creation, queries, counters. */
    public TimeStampAuthorities timeStampAuthorities() {
        return timeStampAuthorities;
    }

    /**
     * Where Signet's own signatures (PAdES B-T, B-LTA) get their time-stamps: the external TSA of
     * {@code tsa.external.url} if set, else the built-in default TSA (each token recorded and
     * audited under {@value #TIME_STAMP_REQUESTER}).
     */
    public TimeStampSource timeStamps() {
        return timeStamps;
    }

    /** The actor recorded for tokens the built-in TSA issues to Signet's own signatures. */
    static final String TIME_STAMP_REQUESTER = "system:signing";

    private static TimeStampSource metered(TimeStampSource source, TsaMetrics metrics) {
        return (digestAlgorithm, imprint) -> {
            long t0 = System.nanoTime();
            try {
                TimeStamp ts = source.timestamp(digestAlgorithm, imprint);
                metrics.record(TsaSettings.DEFAULT, (TsaReply.Failure) null, System.nanoTime() - t0);
                return ts;
            } catch (dev.signet.ca.CaException e) {
                metrics.record(TsaSettings.DEFAULT, e.code().startsWith("tsa-") ? failure(e.code()) : TsaReply.Failure.BAD_REQUEST,
                        System.nanoTime() - t0);
                throw e;
            }
        };
    }

    private static TsaReply.Failure failure(String code) {
        for (TsaReply.Failure f : TsaReply.Failure.values()) {
            if (code.equals("tsa-" + f.rfcName())) {
                return f;
            }
        }
        return TsaReply.Failure.SYSTEM_FAILURE;
    }

    /** Requests refused without a credential, counted and summarised into the audit chain once a minute. */
    public AnonymousRefusals anonymousRefusals() {
        return anonymousRefusals;
    }

    /** The CA facade: CAs, profiles, issuance, signer identities. */
    public CertificateAuthorities authorities() {
        return authorities;
    }

    /** Signer identities as the signing module takes them (scoped DOCUMENT signer and chain). */
    public DocumentSigners documentSigners() {
        return documentSigners;
    }

    /** PAdES signing, B-B to B-LTA as far as a TSA and revocation data are available. */
    public PdfSigner pdfSigner() {
        return pdfSigner;
    }

    /** Detached CAdES over any file, B-B and B-T. */
    public CadesSigner cadesSigner() {
        return cadesSigner;
    }

    /** Where uploads and intermediate files of document signing go (private to this process). */
    public Path signingWorkDir() {
        return signingWorkDir;
    }

    private PdfValidationService pdfValidation;

    /**
     * PDF validation (issue 13): policy from the data directory, Signet's CAs as trust anchors, their
     * current revocation status from Signet's own responder and CRLs (in-process), uploads in the
     * private work directory under {@code limits.maxValidationBytes}.
     */
    public synchronized PdfValidationService pdfValidation() {
        if (pdfValidation == null) {
            pdfValidation = new PdfValidationService(config.dataDir(), authorities, new SignetRevocationData(authorities, revocations),
                    config.signing().maxValidationBytes(), signingWorkDir);
        }
        return pdfValidation;
    }

    /** Named data keys for applications (envelope encryption through the boundary). */
    public DataKeys dataKeys() {
        return dataKeys;
    }

    /** Revocation: revoke and release, CRLs, OCSP (its background work starts with {@code start()}). */
    public Revocations revocations() {
        return revocations;
    }

    @Override
    public void close() {
        changeWatcher.close();
        if (ntp != null) {
            ntp.close();
        }
        dataKeyJobs.shutdownNow();
        tsaCrlChecks.shutdownNow();
        try {
            // A job already writing finishes first, so the last flush sees every count once.
            dataKeyJobs.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            dataKeys.flushUsage();
        } catch (RuntimeException e) {
            LOG.warn("data-key use since the last minute was not audited: {}", e.toString());
        }
        if (!database.readOnly()) {
            try {
                timeStampAuthorities.auditRejections();
            } catch (RuntimeException e) {
                LOG.warn("TSA rejections since the last minute were not audited: {}", e.toString());
            }
        }
        try {
            revocations.close();
        } catch (RuntimeException e) {
            // closing anyway
        }
        try {
            anonymousRefusals.close();
            database.close();
        } finally {
            try {
                hsm.close();
            } finally {
                deleteWorkDir();
            }
        }
    }

    private void deleteWorkDir() {
        try (var files = Files.list(signingWorkDir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(signingWorkDir);
        } catch (IOException ignored) {
            // a temporary directory; the OS cleans it in the end
        }
    }
}
