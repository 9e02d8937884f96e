package dev.signet.web.cli;

import dev.signet.web.config.ConfigLoader;
import dev.signet.web.config.SignetConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the data lives: shared by every command that opens the data directory. */
public final class StoreOptions {

    @Option(names = "--data", paramLabel = "DIR",
            description = "Data directory (database, software HSM keys). Default: ./signet-data, or data.dir in the config file.")
    Path data;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Configuration file (YAML or .properties); see samples/config/signet.example.yaml.")
    Path config;

    SignetConfig load(Integer port) {
        return new ConfigLoader(System.getenv()).load(config, data, port);
    }
}
