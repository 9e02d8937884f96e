package dev.signet.web.cli;

import dev.signet.ca.CaException;
import dev.signet.ca.CaRecords;
import dev.signet.ca.RevocationReason;
import dev.signet.ca.Storage;
import dev.signet.ca.RevocationConflictException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code revoke} and {@code release}: the operator's revocation, with only the database open, so
 * they work beside a running server (which picks the change up within its revocation poll,
 * {@code revocation.pollMillis}, one second by default: OCSP at once after that, CRLs within
 * {@code crl.afterRevocationSeconds}). The same rules as the API; the operator counts as an admin.
 */
@Command(name = "revoke", mixinStandardHelpOptions = true,
        description = "Revoke a certificate: --ca ID --serial HEX --reason REASON [--invalidity-date ISO-8601].")
final class RevokeCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Option(names = "--ca", required = true, paramLabel = "CA_ID", description = "The issuing CA's id.")
    String caId;

    @Option(names = "--serial", required = true, paramLabel = "HEX", description = "The certificate's serial, hex.")
    String serial;

    @Option(names = "--reason", required = true, paramLabel = "REASON", description = "unspecified, keyCompromise, "
            + "cACompromise, affiliationChanged, superseded, cessationOfOperation, certificateHold, privilegeWithdrawn, aACompromise.")
    String reason;

    @Option(names = "--invalidity-date", paramLabel = "INSTANT", description = "When the key was known or suspected compromised.")
    String invalidityDate;

    @Override
    public void run() {
        Instant invalidity = null;
        if (invalidityDate != null) {
            try {
                invalidity = OffsetDateTime.parse(invalidityDate).toInstant();
            } catch (DateTimeParseException e) {
                throw new ParameterException(spec.commandLine(), "--invalidity-date must be ISO-8601, e.g. 2026-11-30T12:00:00Z");
            }
        }
        String hex = normalized(serial);
        try (Storage db = TokenCommand.openDatabase(store)) {
            RevocationReason r = new CaRecords(db).revoke(caId, hex, reason, invalidity, actor());
            System.out.println("revoked " + caId + "/" + hex + " (" + r.apiName() + ")");
        } catch (RevocationConflictException e) {
            throw CaException.conflict("already-revoked", e.getMessage());
        }
    }

    static String normalized(String serial) {
        return serial.toLowerCase(Locale.ROOT).replaceFirst("^0x", "").replaceFirst("^0+(?=.)", "");
    }

    static String actor() {
        return "cli:" + System.getProperty("user.name", "unknown");
    }

    @Command(name = "release", mixinStandardHelpOptions = true,
            description = "Release a certificate from hold (certificateHold): --ca ID --serial HEX.")
    static final class Release implements Runnable {

        @Mixin
        StoreOptions store;

        @Option(names = "--ca", required = true, paramLabel = "CA_ID", description = "The issuing CA's id.")
        String caId;

        @Option(names = "--serial", required = true, paramLabel = "HEX", description = "The certificate's serial, hex.")
        String serial;

        @Override
        public void run() {
            String hex = normalized(serial);
            try (Storage db = TokenCommand.openDatabase(store)) {
                new CaRecords(db).release(caId, hex, actor());
                System.out.println("released " + caId + "/" + hex);
            } catch (RevocationConflictException e) {
                throw CaException.conflict("not-on-hold", e.getMessage());
            }
        }
    }
}
