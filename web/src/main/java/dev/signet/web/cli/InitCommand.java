package dev.signet.web.cli;

import dev.signet.hsm.KeyAlgorithm;
import dev.signet.web.FirstStart;
import dev.signet.web.Services;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Set up a data directory without starting the server: database, HSM key directory, "
                + "root and issuing CA, administrator token (printed once). Does nothing already done.")
final class InitCommand implements Runnable {

    @Mixin
    StoreOptions store;

    @Option(names = "--root-name", paramLabel = "NAME", description = "Root CA name (default: ${DEFAULT-VALUE}).")
    String rootName = FirstStart.Plan.DEMO.rootName();

    @Option(names = "--issuing-name", paramLabel = "NAME", description = "Issuing CA name (default: ${DEFAULT-VALUE}).")
    String issuingName = FirstStart.Plan.DEMO.issuingName();

    @Option(names = "--key-algorithm", paramLabel = "ALG",
            description = "CA key algorithm: EC_P256, EC_P384, RSA_2048, RSA_3072, RSA_4096, ED25519 (default: ${DEFAULT-VALUE}).")
    KeyAlgorithm keyAlgorithm = FirstStart.Plan.DEMO.keyAlgorithm();

    @Override
    public void run() {
        try (Services s = FirstStart.openAndRun(store.load(null), new FirstStart.Plan(rootName, issuingName, keyAlgorithm),
                System.out)) {
            System.out.println("Data directory ready: " + s.config().dataDir());
        }
    }
}
