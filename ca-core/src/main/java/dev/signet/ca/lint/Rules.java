package dev.signet.ca.lint;

import java.util.List;

/** The standard rule set, in the order violations are reported. */
final class Rules {

    private Rules() {
    }

    static List<LintRule> all() {
        return List.of(
                new VersionV3(),
                new SerialPositive(),
                new SerialLength(),
                new SignatureAlgorithmMatchesIssuerKey(),
                new IssuerNotEmpty(),
                new IssuerNameMatches(),
                new NameAttributeEncoding(),
                new ValidityOrder(),
                new ValidityTimeType(),
                new ValidityTimeFormat(),
                new ValidityWithinIssuer(),
                new UniqueIdentifiersAbsent(),
                new RsaKeyEncoding(),
                new EcKeyEncoding(),
                new Ed25519KeyEncoding(),
                new NoDuplicateExtensions(),
                new SubjectKeyIdentifierPresent(),
                new AuthorityKeyIdentifierMatches(),
                new BasicConstraintsOnCa(),
                new BasicConstraintsOnEndEntity(),
                new PathLenOnlyOnCa(),
                new KeyUsageCritical(),
                new KeyUsageNotEmpty(),
                new KeyCertSignOnlyOnCa(),
                new KeyUsageFitsKeyType(),
                new EkuConsistentWithKeyUsage(),
                new TimeStampingEku(),
                new OcspNoCheck(),
                new SanWhenSubjectEmpty(),
                new SanWellFormed(),
                new NameConstraintsOnlyOnCa(),
                new CertificatePoliciesUnique(),
                new AiaNotCritical(),
                new IssuerIsCa(),
                new PathLengthRespected());
    }
}
